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
from sqlalchemy import Connection
from sqlmodel import SQLModel

CORE_MIGRATIONS = Path(__file__).with_name("migrations")


def _script(locations: Iterable[Path]) -> tuple[Config, ScriptDirectory]:
    paths = [str(CORE_MIGRATIONS / "versions"), *(str(p) for p in locations)]
    config = Config()
    config.set_main_option("script_location", str(CORE_MIGRATIONS))
    return config, ScriptDirectory(str(CORE_MIGRATIONS), version_locations=paths)


def upgrade(conn: Connection, locations: Iterable[Path]) -> list[str]:
    """Apply every pending revision of the core and of the given plugin folders.

    Returns the revisions now current (one per branch head).
    """
    config, script = _script(locations)

    def step(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("heads", revision)

    with EnvironmentContext(config, script, fn=step, destination_rev="heads") as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata)
        env.run_migrations()
        heads = env.get_context().get_current_heads()
    return sorted(heads)


def current(conn: Connection) -> list[str]:
    """The revisions the database is at (empty when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    return sorted(MigrationContext.configure(conn).get_current_heads())
