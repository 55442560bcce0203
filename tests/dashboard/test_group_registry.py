"""The dashboard lists the groups of the core registry (``app.groups``); the groups it kept in
its own table before are copied into the registry on upgrade, and that table goes."""

from __future__ import annotations

from html import escape

from alembic.runtime.environment import EnvironmentContext
from sqlalchemy import Connection, MetaData, Table, inspect, select, text
from sqlmodel import SQLModel

from shequn.internal.event import SceneKind
from shequn.internal.storage import migrate
from shequn.internal.storage.database import Database
from shequn.testing.databases import TestDatabases
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in, superuser_token


def migrate_to(conn: Connection, target: str, *, down: bool = False) -> None:
    """Migrate only as far as ``target`` (a database made by an older version), or back to it."""
    config, script = migrate._script([])
    steps = script._downgrade_revs if down else script._upgrade_revs
    with EnvironmentContext(
        config,
        script,
        fn=lambda revision, _ctx: steps(target, revision),
        destination_rev=target,
    ) as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata)
        env.run_migrations()


def old_database(conn: Connection) -> None:
    """The registry already exists and knows ``test:both``; the dashboard knew three groups."""
    migrate_to(conn, "core_0008")
    migrate_to(conn, "dashboard_0001")
    conn.execute(
        text(
            "INSERT INTO core_group (group_key, platform, scene, name, first_seen, last_seen)"
            " VALUES ('test:both', 'test',"
            ' \'{"platform": "test", "kind": "group", "id": "both", "name": "Core name"}\','
            " 'Core name', 5000, 6000)"
        )
    )
    for key, kind, name, first, last in (
        ("test:old", "group", "Old group 📚", 1000, 2000),
        ("test:srv", "guild", "A server", 1500, 2500),
        ("test:both", "group", "Dashboard name", 100, 200),
        ("test:quiet", "group", "quiet", 300, 400),  # no name: the dashboard stored the id
    ):
        conn.execute(
            text(
                "INSERT INTO dashboard_group"
                " (group_key, platform, kind, name, first_seen, last_seen)"
                " VALUES (:key, 'test', :kind, :name, :first, :last)"
            ),
            {"key": key, "kind": kind, "name": name, "first": first, "last": last},
        )


async def test_groups_the_dashboard_knew_show_on_the_overview_after_upgrade(
    make_bot: MakeBot, test_databases: TestDatabases
) -> None:
    old = Database(await test_databases.url("shared"))
    await old.run_sync_admin(old_database)
    await old.close()

    bot = await dashboard_bot(make_bot, database="shared")
    tables = await bot.app.db.read(lambda conn: inspect(conn).get_table_names())
    assert "dashboard_group" not in tables
    known = {g.group_key: g for g in await bot.app.groups.known()}
    assert sorted(known) == ["test:both", "test:old", "test:quiet", "test:srv"]
    was = known["test:old"]
    assert (was.name, was.first_seen, was.last_seen) == ("Old group 📚", 1000, 2000)
    assert was.scene.kind is SceneKind.GROUP and was.scene.id == "old"
    assert known["test:srv"].scene.kind is SceneKind.GUILD
    assert (known["test:both"].name, known["test:both"].first_seen) == ("Core name", 5000)
    assert known["test:quiet"].name == ""

    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        page = await http.get("/admin/")
    assert page.status_code == 200
    for shown in ("Old group 📚", "test:old", "A server", "Core name", "test:quiet"):
        assert escape(shown) in page.text
    assert "Dashboard name" not in page.text


async def test_groups_seen_after_a_restart_stay_on_the_overview(make_bot: MakeBot) -> None:
    first = await make_bot(database="shared")
    await first.say("hello", group="book club")
    await first.close()

    bot = await dashboard_bot(make_bot, database="shared")
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        page = await http.get("/admin/")
    assert "test:book club" in page.text


async def test_downgrade_gives_the_dashboard_its_table_back(
    make_bot: MakeBot, test_databases: TestDatabases
) -> None:
    first = await make_bot(database="shared")
    await first.say("hello", group="g1")
    await first.close()
    url = await test_databases.url("shared")
    db = Database(url)

    def downgrade(conn: Connection) -> list[tuple[str, str, str]]:
        migrate_to(conn, "dashboard_0001", down=True)
        old = Table("dashboard_group", MetaData(), autoload_with=conn)
        return [(r.group_key, r.kind, r.name) for r in conn.execute(select(old))]

    try:
        assert await db.run_sync_admin(downgrade) == [("test:g1", "group", "g1")]
    finally:
        await db.close()
