"""The one module that knows SQL dialects apart.

Everything else writes portable SQLAlchemy Core; conflict handling ("insert unless the key
exists", "add to a counter, creating it if needed") differs in syntax between SQLite and
PostgreSQL, so it lives here.

Statements are built once per (dialect, table, columns) and executed with parameters:
building a SQLAlchemy statement costs more than running it on SQLite, and these run on the
hottest paths (sign-ins, ledger postings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Executable, Float, Table, bindparam, case
from sqlalchemy.dialects import postgresql, sqlite


def _insert(dialect: str, table: Table) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect {dialect!r}")


@cache
def _insert_ignore(
    dialect: str, table: Table, conflict: tuple[str, ...], returning: str
) -> Executable:
    stmt = _insert(dialect, table).on_conflict_do_nothing(index_elements=list(conflict))
    return stmt.returning(table.c[returning]) if returning else stmt  # type: ignore[no-any-return]


@cache
def _upsert_add(dialect: str, table: Table, keys: tuple[str, ...], column: str) -> Executable:
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(keys),
        set_={column: table.c[column] + stmt.excluded[column]},
    )


@cache
def _upsert(
    dialect: str, table: Table, keys: tuple[str, ...], values: tuple[str, ...]
) -> Executable:
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(keys), set_={k: stmt.excluded[k] for k in values}
    )


@cache
def _upsert_expired(dialect: str, table: Table, keys: tuple[str, ...], column: str) -> Executable:
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(keys),
        set_={column: stmt.excluded[column]},
        where=table.c[column] <= bindparam("expired_at"),
    )


def insert_ignore(
    conn: Connection, table: Table, values: Mapping[str, Any], conflict: Sequence[str]
) -> bool:
    """Insert one row unless a row with the same ``conflict`` columns exists.

    Returns True when this call inserted the row: the basis of every exactly-once write.
    """
    stmt = _insert_ignore(conn.dialect.name, table, tuple(conflict), "")
    return conn.execute(stmt, dict(values)).rowcount == 1


def insert_ignore_returning(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    conflict: Sequence[str],
    column: str,
) -> Any | None:
    """Like :func:`insert_ignore`, returning ``column`` of the new row (None on conflict)."""
    stmt = _insert_ignore(conn.dialect.name, table, tuple(conflict), column)
    return conn.execute(stmt, dict(values)).scalar_one_or_none()


def upsert_add(
    conn: Connection,
    table: Table,
    keys: Mapping[str, Any],
    column: str,
    amount: int,
) -> None:
    """``column += amount`` for the row at ``keys``, creating it with ``amount`` if missing."""
    stmt = _upsert_add(conn.dialect.name, table, tuple(keys), column)
    conn.execute(stmt, {**keys, column: amount})


def upsert(
    conn: Connection, table: Table, keys: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Insert or replace the non-key ``values`` of the row at ``keys``."""
    stmt = _upsert(conn.dialect.name, table, tuple(keys), tuple(values))
    conn.execute(stmt, {**keys, **values})


def upsert_if_expired(
    conn: Connection,
    table: Table,
    keys: Mapping[str, Any],
    column: str,
    value: float,
    now: float,
) -> bool:
    """Set ``column = value`` for the row at ``keys`` if it is missing or its ``column`` is
    ``<= now`` (expired); True when this call set it. A claim no read-then-write can race."""
    stmt = _upsert_expired(conn.dialect.name, table, tuple(keys), column)
    return conn.execute(stmt, {**keys, column: value, "expired_at": now}).rowcount == 1


@cache
def _take_token(dialect: str, table: Table) -> Executable:
    stmt = _insert(dialect, table)
    now, rate, burst = (bindparam(name, type_=Float) for name in ("now", "rate", "burst"))
    refilled = table.c.tokens + (now - table.c.stamp) * rate
    capped = case((refilled > burst, burst), else_=refilled)
    return (  # type: ignore[no-any-return]
        stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={"tokens": capped - 1.0, "stamp": now},
            where=capped >= 1.0,
        ).returning(table.c.key)
    )


def take_token(
    conn: Connection, table: Table, key: str, now: float, rate: float, burst: int
) -> bool:
    """Take one token from the bucket ``key`` (columns ``key``, ``tokens``, ``stamp``), refilled
    at ``rate`` per second up to ``burst`` since ``stamp``; a new bucket starts full. True when
    a token was taken. One statement, so concurrent workers can never both take the last one."""
    stmt = _take_token(conn.dialect.name, table)
    params = {"key": key, "tokens": float(burst) - 1.0, "stamp": now}
    params |= {"now": now, "rate": rate, "burst": float(burst)}
    return conn.execute(stmt, params).first() is not None


@cache
def _upsert_add_columns(
    dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]
) -> Executable:
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(keys),
        set_={c: table.c[c] + stmt.excluded[c] for c in columns},
    )


def upsert_add_rows(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """For each row, ``column += value`` for every one of ``columns`` at its ``keys``,
    creating the row with those values if missing; all rows in one executemany."""
    if not rows:
        return
    stmt = _upsert_add_columns(conn.dialect.name, table, tuple(keys), tuple(columns))
    conn.execute(stmt, [dict(r) for r in rows])


INSERT_CHUNK = 400
"""Rows per multi-row INSERT (SQLite allows 32,766 bound values; this stays far below)."""


def insert_ignore_many(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    column: str,
) -> set[Any]:
    """Insert many rows, skipping those whose ``conflict`` key exists; return ``column`` of the
    rows this call inserted. One multi-row statement per chunk, so deciding "new or seen" for
    thousands of keys costs a handful of statements, still without reading first."""
    inserted: set[Any] = set()
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [dict(r) for r in rows[start : start + INSERT_CHUNK]]
        stmt = (
            _insert(conn.dialect.name, table)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=list(conflict))
            .returning(table.c[column])
        )
        inserted.update(conn.execute(stmt).scalars())
    return inserted
