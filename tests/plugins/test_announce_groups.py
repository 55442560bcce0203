"""Announcements reach the groups of the core registry: groups seen before a restart, and
groups the plugin knew before it used the registry (copied over on upgrade)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.runtime.environment import EnvironmentContext
from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

from plugins.announce import plugin as announce_plugin
from shequn.internal.storage import migrate
from shequn.internal.storage.database import Database
from shequn.testing import Harness
from shequn.testing.databases import TestDatabases
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def upgrade_to(conn: Connection, target: str) -> None:
    """Migrate only as far as ``target`` (a database made by an older version)."""
    assert announce_plugin.migrations_dir is not None
    config, script = migrate._script([Path(announce_plugin.migrations_dir)])
    with EnvironmentContext(
        config,
        script,
        fn=lambda revision, _ctx: script._upgrade_revs(target, revision),
        destination_rev=target,
    ) as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata)
        env.run_migrations()


def old_database(conn: Connection) -> None:
    upgrade_to(conn, "core_0007")
    upgrade_to(conn, "announce_0001")
    scenes = {
        "test:old": {"platform": "test", "kind": "group", "id": "old", "name": "Old group 📚"},
        "test:bad": "not json",
    }
    for key, scene in scenes.items():
        conn.execute(
            text("INSERT INTO announce_group (group_key, scene, seen_at) VALUES (:k, :s, 1000)"),
            {"k": key, "s": scene if isinstance(scene, str) else json.dumps(scene)},
        )


async def broadcast(bot: Harness, text: str) -> list[str]:
    bot.make_admin("admin", group="g1")
    await bot.say(f"/broadcast once +1h {text}", user="admin", group="g1")
    before = len(bot.sent)
    await bot.advance(timedelta(hours=1))
    await bot.advance(timedelta(seconds=30))  # the groups after the first, paced
    return sorted(s.scene.id for s in bot.sent[before:] if s.text == text)


async def test_groups_announce_knew_are_kept_on_upgrade(
    make_bot: MakeBot, test_databases: TestDatabases
) -> None:
    old = Database(await test_databases.url("shared"))
    await old.run_sync_admin(old_database)
    await old.close()

    bot = await make_bot(announce_plugin, database="shared", superusers=["test:root"], start=START)
    [known] = await bot.app.groups.known()  # the unreadable row is left behind
    assert (known.group_key, known.name, known.first_seen) == ("test:old", "Old group 📚", 1000)
    tables = await bot.app.db.read(lambda conn: inspect(conn).get_table_names())
    assert "announce_group" not in tables
    await bot.say("/community create Readers", user="root", group="g1")
    await bot.say("/community add Readers", user="root", group="g1")
    await bot.say("/community add Readers test:old", user="root", group="g1")
    assert await broadcast(bot, "Upgraded") == ["g1", "old"]


async def test_a_broadcast_reaches_groups_seen_before_a_restart(make_bot: MakeBot) -> None:
    first = await make_bot(announce_plugin, database="shared", superusers=["test:root"])
    await first.say("/community create Readers", user="root", group="g1")
    for group in ("g1", "g2", "g3"):
        await first.say("/community add Readers", user="root", group=group)
    await first.close()

    # After the restart only g1 says anything; g2 and g3 are known from the registry.
    second = await make_bot(announce_plugin, database="shared", start=START)
    assert await broadcast(second, "After the restart") == ["g1", "g2", "g3"]
