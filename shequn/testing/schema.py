"""Does the migrated database match the models? For plugin authors' tests.

Alembic migrations are written by hand next to SQLModel models; this compares the two on a
database migrated by a running app, so a column added to a model without its migration (or
the other way round) fails a test instead of a deployment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData
from sqlmodel import SQLModel

from shequn.internal.app import App


async def schema_differences(
    app: App,
    prefixes: Iterable[str],
    *,
    ignore: Iterable[str] = (),
    models: MetaData | None = None,
) -> list[Any]:
    """Differences between the models and the migrated tables whose names start with one of
    ``prefixes`` (``["core_", "signin_"]``); an empty list when they match. Tables and
    indexes starting with an ``ignore`` prefix (full-text indexes a plugin builds itself) are
    left out. ``models`` is the SQLModel metadata unless given (tables an adapter declares
    with SQLAlchemy Core)."""
    wanted = tuple(prefixes)
    skipped = tuple(ignore)
    metadata = MetaData()
    for table in (models or SQLModel.metadata).tables.values():
        if table.name.startswith(wanted) and not table.name.startswith(skipped or ("\0",)):
            table.to_metadata(metadata)

    def compare(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parent: (
                    not str(name).startswith(skipped or ("\0",))
                    and (kind != "table" or str(name).startswith(wanted))
                ),
            },
        )
        return list(compare_metadata(context, metadata))

    return await app.db.read(compare)
