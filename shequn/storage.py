"""Storage for plugins: the :class:`Database` (``ctx.app.db``) and portable conflict-aware
writes. Plugins write SQLAlchemy Core or SQLModel; these helpers cover what differs between
SQLite and PostgreSQL, so no plugin needs dialect-specific SQL."""

from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import (
    insert_ignore,
    insert_ignore_returning,
    upsert,
    upsert_add,
    upsert_if_expired,
)

__all__ = [
    "Database",
    "insert_ignore",
    "insert_ignore_returning",
    "upsert",
    "upsert_add",
    "upsert_if_expired",
]
