"""Invite attribution across a restart: personal invites and use counts kept in the database."""

from __future__ import annotations

from typing import Any

import pytest_asyncio
from sqlalchemy import Connection, select

from adapters.discord.invite_store import invites, metadata
from shequn import App, Context, MemberJoined, Plugin, User
from shequn.testing.databases import TestDatabases
from shequn.testing.schema import schema_differences
from tests.adapters.discord.conftest import ALICE, OWNER, World, eventually
from tests.adapters.discord.test_discord import adapter_scene

CAROL = ("200000000000000021", "carol")
DAVE = ("200000000000000022", "dave")


@pytest_asyncio.fixture
async def on_test_database(world: World, test_databases: TestDatabases) -> World:
    """The world on the test database (SQLite, or PostgreSQL with ``--shequn-db=postgres``)."""
    world.database_url = await test_databases.url("discord.db")
    return world


def recorder() -> tuple[Plugin, list[MemberJoined]]:
    plugin = Plugin("joins", title="Joins")
    seen: list[MemberJoined] = []

    @plugin.on(MemberJoined)
    async def joined(ctx: Context) -> None:
        assert isinstance(ctx.event, MemberJoined)
        seen.append(ctx.event)

    return plugin, seen


async def _stored(app: App) -> dict[str, Any]:
    def read(conn: Connection) -> dict[str, Any]:
        return {row.code: row for row in conn.execute(select(invites))}

    return await app.db.read(read)


async def _personal_invite(world: World) -> str:
    """A first run of the bot makes alice's personal invite, then stops."""
    fake = world.fake
    _, adapter = await world.start()
    await eventually(lambda: len(fake.sent("GET", "/invites")) >= 1)
    alice = User(platform="discord", id=ALICE[0], name=ALICE[1])
    url = await adapter.create_invite(adapter_scene(world), alice, "alice's invite")
    await world.stop()
    return url.rsplit("/", 1)[-1]


async def test_a_personal_invite_from_before_a_restart_credits_its_member_once(
    on_test_database: World,
) -> None:
    world = on_test_database
    fake, guild = world.fake, world.guild
    fake.add_invite(guild, "gone", OWNER, uses=4)
    code = await _personal_invite(world)

    # While the bot is away: an admin deletes an invite and makes another, and somebody
    # joins through alice's invite (no event reaches the bot for that one).
    del guild.invites["gone"]
    fake.add_invite(guild, "fresh", OWNER, uses=0)
    guild.invites[code]["uses"] += 1
    reads = len(fake.sent("GET", "/invites"))

    plugin, seen = recorder()
    app, _ = await world.start(plugin)
    await eventually(lambda: len(fake.sent("GET", "/invites")) > reads)

    guild.invites[code]["uses"] += 1
    carol = fake.add_member(guild, *CAROL)
    join = {**carol, "guild_id": guild.id}
    await fake.dispatch("GUILD_MEMBER_ADD", join)
    await fake.dispatch("GUILD_MEMBER_ADD", join)  # redelivered
    await eventually(lambda: len(seen) == 1)
    # Gateway frames are read in order: the redelivery is behind us. A later join through
    # the invite made while the bot was away is examined alone.
    await fake.join(guild, DAVE, via="fresh")
    await eventually(lambda: any(e.user.id == DAVE[0] for e in seen))

    assert [(e.user.id, e.inviter.id if e.inviter else None, e.invited_via) for e in seen] == [
        (CAROL[0], ALICE[0], "invite_link:alice's invite"),
        (DAVE[0], OWNER[0], "invite_uses:fresh"),
    ]
    community = app.identity.community_of(f"discord:{guild.id}")
    tree = {node.person: node.inviter for node in await app.invites.tree(community)}
    assert tree == {
        f"discord:{CAROL[0]}": f"discord:{ALICE[0]}",
        f"discord:{DAVE[0]}": f"discord:{OWNER[0]}",
    }

    stored = await _stored(app)
    assert set(stored) == {code, "fresh"}  # the deleted invite is forgotten
    assert (stored[code].owner_id, stored[code].label, stored[code].uses) == (
        ALICE[0],
        "alice's invite",
        2,
    )
    assert (stored["fresh"].owner_id, stored["fresh"].inviter_id, stored["fresh"].uses) == (
        None,
        OWNER[0],
        1,
    )


async def test_stored_use_counts_stand_in_when_the_first_read_fails(
    on_test_database: World,
) -> None:
    world = on_test_database
    fake, guild = world.fake, world.guild
    code = await _personal_invite(world)
    # At the next start the server's invites cannot be read (a missing permission, say):
    # the counts stored by the last run are the "before" of the first join.
    refused = {"message": "Missing Permissions", "code": 50013}
    fake.fail_next[f"GET /guilds/{guild.id}/invites"] = (403, refused)
    reads = len(fake.sent("GET", "/invites"))
    plugin, seen = recorder()
    await world.start(plugin)
    await eventually(lambda: len(fake.sent("GET", "/invites")) > reads)

    await fake.join(guild, CAROL, via=code)
    await eventually(lambda: len(seen) == 1)
    assert seen[0].inviter is not None and seen[0].inviter.id == ALICE[0]


async def test_the_tables_match_their_migration(on_test_database: World) -> None:
    app, _ = await on_test_database.start()
    assert await schema_differences(app, ["discord_"], models=metadata) == []
