"""Alembic migrations applied at start: the core's branch plus one branch per plugin.

Each plugin with tables ships a ``migrations/`` folder whose first revision has
``branch_labels = ("<plugin>",)`` and ``depends_on = "core_0001"``; upgrading to ``heads``
brings every branch up to date in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, MetaData, String, Table, text
from sqlmodel import SQLModel

CORE_MIGRATIONS = Path(__file__).with_name("migrations")


def _script(locations: Iterable[Path]) -> tuple[Config, ScriptDirectory]:
    paths = [str(CORE_MIGRATIONS / "versions"), *(str(p) for p in locations)]
    config = Config()
    config.set_main_option("script_location", str(CORE_MIGRATIONS))
    return config, ScriptDirectory(str(CORE_MIGRATIONS), version_locations=paths)


def upgrade(conn: Connection, locations: Iterable[Path]) -> list[str]:
    """Apply every pending revision of the core and of the given plugin folders.

    Branches of plugins that are not loaded now (disabled or uninstalled) are set aside for
    the upgrade and put back after it, in the same transaction: their tables stay, and so
    does the record of how far they were migrated, for the day the plugin returns.

    Returns the revisions now current (one per branch head, the set-aside ones included).
    """
    _serialise(conn)
    config, script = _script(locations)
    absent = _unknown_heads(conn, script)
    if absent:
        conn.execute(_version_table.delete().where(_version_table.c.version_num.in_(absent)))

    def step(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("heads", revision)

    with EnvironmentContext(config, script, fn=step, destination_rev="heads") as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata)
        env.run_migrations()
        heads = env.get_context().get_current_heads()
    if absent:
        conn.execute(_version_table.insert(), [{"version_num": rev} for rev in absent])
    return sorted([*heads, *absent])


MIGRATION_LOCK = 0x5348_5155_4E00
"""PostgreSQL advisory lock key held while migrating."""


def _serialise(conn: Connection) -> None:
    """Workers starting together on PostgreSQL migrate one after the other (the lock ends
    with the transaction); SQLite's writer already begins with ``BEGIN IMMEDIATE``."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


_version_table = Table("alembic_version", MetaData(), Column("version_num", String(32)))


def _unknown_heads(conn: Connection, script: ScriptDirectory) -> list[str]:
    """Recorded revisions that none of the given migration folders knows."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script.revision import ResolutionError

    unknown = []
    for revision in MigrationContext.configure(conn).get_current_heads():
        try:
            script.revision_map.get_revision(revision)
        except ResolutionError:
            unknown.append(revision)
    return unknown


def current(conn: Connection) -> list[str]:
    """The revisions the database is at (empty when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    return sorted(MigrationContext.configure(conn).get_current_heads())
