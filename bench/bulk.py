"""Bulk rows for the scale and memory benches: members, balances, ledger, groups, entrants.

Rows are generated in chunks and written with ``executemany`` on SQLite (one transaction,
stdlib driver) and ``COPY`` on PostgreSQL (asyncpg), into a schema the app has migrated.
Member ``i`` is ``test:m{i:07d}``; the ledger's rows are sorted by member so that both of
its indexes grow at their ends, as they do in a live ledger.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy.engine import make_url

CHUNK = 200_000
Row = tuple[Any, ...]


def member(i: int) -> str:
    return f"test:m{i:07d}"


def balances(members: int, community: str, seed: int = 1) -> Iterator[Row]:
    rng = random.Random(seed)
    for i in range(members):
        yield (member(i), community, rng.randrange(1, 100_000))


def profiles(members: int) -> Iterator[Row]:
    for i in range(members):
        yield (member(i), f"Member {i}", 1_700_000_000.0)


def ledger(rows: int, members: int, community: str, group: str) -> Iterator[Row]:
    per = max(1, rows // max(1, members))
    for n in range(rows):
        yield (
            member(min(members - 1, n // per)),
            community,
            group,
            10,
            "bench",
            "bench",
            f"bench:{n:010d}",
            1_700_000_000.0 + n,
        )


LEDGER_COLUMNS = (
    "person",
    "community",
    "group_key",
    "amount",
    "reason",
    "plugin",
    "idem_key",
    "created_at",
)


def chunks(rows: Iterator[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Loader:
    """Writes rows into one database URL (``sqlite+aiosqlite:///`` or ``postgresql+asyncpg://``)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()

    def load(self, table: str, columns: Sequence[str], rows: Iterator[Row]) -> tuple[int, float]:
        """Rows written and seconds taken."""
        start = time.perf_counter()
        if self.dialect == "sqlite":
            count = self._sqlite(table, columns, rows)
        else:
            count = asyncio.run(self._postgres(table, columns, rows))
        return count, time.perf_counter() - start

    def execute(self, sql: str, *params: Any) -> list[Row]:
        if self.dialect == "sqlite":
            with sqlite3.connect(str(self.url.database)) as conn:
                return [tuple(r) for r in conn.execute(sql.replace("$", "?"), params)]
        return asyncio.run(self._pg_execute(sql, params))

    def _sqlite(self, table: str, columns: Sequence[str], rows: Iterator[Row]) -> int:
        conn = sqlite3.connect(str(self.url.database))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-400000")
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        count = 0
        try:
            with conn:
                for chunk in chunks(rows):
                    conn.executemany(sql, chunk)
                    count += len(chunk)
            conn.execute("ANALYZE")
        finally:
            conn.close()
        return count

    async def _connect(self) -> Any:
        import asyncpg  # type: ignore[import-untyped]

        return await asyncpg.connect(
            host=self.url.host,
            port=self.url.port,
            user=self.url.username,
            password=self.url.password,
            database=self.url.database,
        )

    async def _postgres(self, table: str, columns: Sequence[str], rows: Iterator[Row]) -> int:
        conn = await self._connect()
        count = 0
        try:
            for chunk in chunks(rows):
                await conn.copy_records_to_table(table, records=chunk, columns=list(columns))
                count += len(chunk)
            await conn.execute(f"ANALYZE {table}")
        finally:
            await conn.close()
        return count

    async def _pg_execute(self, sql: str, params: Sequence[Any]) -> list[Row]:
        conn = await self._connect()
        try:
            return [tuple(r) for r in await conn.fetch(sql, *params)]
        finally:
            await conn.close()


def timed(label: str, step: Callable[[], tuple[int, float]]) -> None:
    count, seconds = step()
    print(f"  {label}: {count:,} rows in {seconds:,.1f} s ({count / seconds:,.0f}/s)", flush=True)
