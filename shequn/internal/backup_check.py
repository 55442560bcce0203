"""What a backup must be before ``shequn restore`` lets it replace the database.

A backup file is code as much as data: a trigger in it runs on every write once restored
(one that pays another member on every posting), a view or an extra table can shadow or
feed what the bot reads. So a restore accepts only the schema objects the bot itself
creates, found by building a reference database from scratch exactly as the bot starts:
the migrations of the core and of every plugin, then the plugins' start hooks (which add,
for example, the quotes' full-text index and its triggers). Then every balance must be the
sum of its ledger postings, so a backup with edited balances is refused too.

The comparison and the balance check serve both databases; reading the schema differs: here
for SQLite, :mod:`shequn.internal.backup_check_pg` for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from shequn.internal.config import Settings

T = TypeVar("T")

_SPACES = re.compile(r"\s+")
SHOWN = 20
"""Mismatched balances listed in a refusal (the count says how many more)."""


@dataclass(frozen=True, slots=True)
class SchemaObject:
    kind: str
    """``table``, ``index``, ``trigger``, ``view``, ... (PostgreSQL has more kinds)."""
    name: str
    shape: str
    """What must match: a table's columns, or the object's SQL with whitespace collapsed."""


def schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], SchemaObject]:
    """Every object of the database but SQLite's own (``sqlite_*``), by (kind, name)."""
    found = {}
    for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\'"
    ):
        if kind == "table" and not (sql or "").upper().startswith("CREATE VIRTUAL"):
            columns = conn.execute(
                'SELECT name, type, "notnull", pk FROM pragma_table_xinfo(?)', (name,)
            ).fetchall()
            shape = repr(sorted(tuple(str(v) for v in c) for c in columns))
        else:
            shape = f"{table}: {_SPACES.sub(' ', sql or '').strip()}"
        found[kind, name] = SchemaObject(kind, name, shape)
    return found


def reference_schema(settings: Settings) -> dict[tuple[str, str], SchemaObject]:
    """The objects a bot with these settings creates on an empty SQLite database."""
    with tempfile.TemporaryDirectory(prefix="shequn-reference-") as folder:
        path = Path(folder) / "reference.db"
        scratch = reference_settings(settings, f"sqlite+aiosqlite:///{path}")
        run_alone(lambda: start_and_stop(scratch))
        conn = sqlite3.connect(path)
        try:
            return schema_of(conn)
        finally:
            conn.close()


def reference_settings(settings: Settings, url: str) -> Settings:
    """``settings`` on the database at ``url``, every plugin found on (the disabled ones
    included: their tables are kept while they are off)."""
    database = settings.database.model_copy(update={"url": url})
    return settings.model_copy(update={"database": database, "disabled_plugins": []})


def run_alone(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` on an event loop of its own, whoever calls (the CLI has none, a test may
    already run one)."""

    async def run() -> T:
        return await work()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


async def start_and_stop(settings: Settings) -> None:
    """Start a bot with these settings once, as ``shequn run`` does, and stop it."""
    from shequn.internal.app import App
    from shequn.internal.runtime import find_plugins, load_plugins

    app = App(settings)
    load_plugins(app, find_plugins(settings))
    try:
        await app.start()  # migrations, then start hooks: every object the bot makes
    finally:
        await app.stop()


def unexpected_objects(
    backup: dict[tuple[str, str], SchemaObject], reference: dict[tuple[str, str], SchemaObject]
) -> list[str]:
    """``kind name`` of each object of the backup the bot does not create as it is."""
    wrong = []
    for key, found in sorted(backup.items()):
        expected = reference.get(key)
        if expected is None:
            wrong.append(f"{found.kind} {found.name}")
        elif expected.shape != found.shape:
            wrong.append(f"{found.kind} {found.name} (changed)")
    return wrong


UNBALANCED = (
    "SELECT person, community, SUM(balance), SUM(amount) FROM ("
    " SELECT person, community, balance, 0 AS amount FROM core_balance"
    " UNION ALL SELECT person, community, 0, amount FROM core_ledger"
    ") AS books GROUP BY person, community HAVING SUM(balance) <> SUM(amount)"
    " ORDER BY community, person"
)
"""The (person, community, balance, postings' sum) whose balance is not the sum (both
dialects)."""


def unbalanced(rows: Sequence[Sequence[Any]]) -> tuple[int, list[str]]:
    """How many balances differ from the sum of their postings (``rows`` of
    :data:`UNBALANCED`), and the first :data:`SHOWN` of them as text."""
    shown = [
        f"{person} in {community}: balance {balance}, postings sum to {total}"
        for person, community, balance, total in rows[:SHOWN]
    ]
    return len(rows), shown
