"""The one module that knows SQL dialects apart.

Everything else writes portable SQLAlchemy Core; conflict handling ("insert unless the key
exists", "add to a counter, creating it if needed") differs in syntax between SQLite and
PostgreSQL, so it lives here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect {conn.dialect.name!r}")


def insert_ignore(
    conn: Connection, table: Table, values: Mapping[str, Any], conflict: Sequence[str]
) -> bool:
    """Insert one row unless a row with the same ``conflict`` columns exists.

    Returns True when this call inserted the row: the basis of every exactly-once write.
    """
    stmt: Insert = (
        _insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=list(conflict))
    )
    return conn.execute(stmt).rowcount == 1


def insert_ignore_returning(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    conflict: Sequence[str],
    column: str,
) -> Any | None:
    """Like :func:`insert_ignore`, returning ``column`` of the new row (None on conflict)."""
    stmt = (
        _insert(conn, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(table.c[column])
    )
    return conn.execute(stmt).scalar_one_or_none()


def upsert_add(
    conn: Connection,
    table: Table,
    keys: Mapping[str, Any],
    column: str,
    amount: int,
) -> None:
    """``column += amount`` for the row at ``keys``, creating it with ``amount`` if missing."""
    stmt = _insert(conn, table).values(**keys, **{column: amount})
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: table.c[column] + stmt.excluded[column]},
    )
    conn.execute(stmt)


def upsert(
    conn: Connection, table: Table, keys: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Insert or replace the non-key ``values`` of the row at ``keys``."""
    stmt = _insert(conn, table).values(**keys, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={k: stmt.excluded[k] for k in values}
    )
    conn.execute(stmt)
