"""Discord end to end: real discord.py over WebSocket and HTTP against the local fake Discord."""

from __future__ import annotations

import asyncio
from typing import Any

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import (
    Button,
    ButtonPressed,
    Buttons,
    Context,
    Level,
    MemberJoined,
    MemberLeft,
    Message,
    Plugin,
    User,
)
from tests.adapters.discord.conftest import ADMIN, ALICE, BOB, OWNER, World, eventually
from tests.adapters.discord.fake_discord import APPLICATION_ID

SIGNIN = {"id": "1", "name": "signin", "type": 1}


def _content(body: Any) -> str:
    data = body.get("data", body) if isinstance(body, dict) else {}
    return str(data.get("content") or "")


def probe() -> tuple[Plugin, list[Any]]:
    """A plugin that records events and offers buttons, a slow command and an admin kick."""
    plugin = Plugin("probe", title="Probe")
    seen: list[Any] = []

    @plugin.on(MemberJoined)
    async def joined(ctx: Context) -> None:
        seen.append(ctx.event)

    @plugin.on(MemberLeft)
    async def left(ctx: Context) -> None:
        seen.append(ctx.event)

    @plugin.on(ButtonPressed)
    async def pressed(ctx: Context) -> None:
        assert isinstance(ctx.event, ButtonPressed)
        seen.append(ctx.event)
        await ctx.reply(f"you chose {ctx.event.data}")

    @plugin.command("pick")
    async def pick(ctx: Context) -> None:
        await ctx.reply(
            Message(["Colour?", Buttons.of([Button("Red", "red"), Button("Blue", "blue")])])
        )

    @plugin.command("slow")
    async def slow(ctx: Context, seconds: float = 0.5) -> None:
        await asyncio.sleep(seconds)
        await ctx.reply("finally")

    @plugin.command("boot", permission=Level.ADMIN)
    async def boot(ctx: Context, member: User) -> None:
        if await ctx.kick(member):
            await ctx.reply(f"removed {member.display_name}")

    return plugin, seen


async def test_slash_signin_is_answered_as_an_interaction_response(world: World) -> None:
    fake = world.fake
    await world.start(signin_plugin, points_plugin)
    synced = await fake.wait_for("PUT", f"/applications/{APPLICATION_ID}/commands")
    commands = {c["name"]: c for c in synced[-1].body}
    signin = commands["signin"]
    assert signin["name_localizations"] == {"zh-CN": "签到"}
    assert [(o["name"], o["type"]) for o in signin["options"]] == [("note", 3)]
    assert commands["signin-rank"]["name_localizations"] == {"zh-CN": "签到排行"}
    grant = commands["grant"]
    assert grant["default_member_permissions"] == str(1 << 5)
    types = {o["name"]: (o["type"], o["required"]) for o in grant["options"]}
    assert types == {"member": (6, True), "amount": (4, True), "reason": (3, True)}

    interaction = fake.interaction(world.guild, ALICE, 2, SIGNIN)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    [call] = await fake.wait_for("POST", f"/interactions/{interaction['id']}/")
    assert call.body["type"] == 4  # a message as the interaction's response
    assert "alice" in _content(call.body) and "streak" in _content(call.body).lower()

    # The same member again, as a prefix command: the sign-in happened once.
    message = fake.message(world.guild, ALICE, "!signin")
    await fake.dispatch("MESSAGE_CREATE", message)
    [sent] = await fake.wait_for("POST", f"/channels/{world.guild.channel_id}/messages")
    assert "already" in _content(sent.body).lower()

    # A redelivered interaction is answered once.
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await asyncio.sleep(0.3)
    assert len(fake.sent("POST", f"/interactions/{interaction['id']}/")) == 1


async def test_slow_command_is_deferred_then_followed_up(world: World) -> None:
    fake = world.fake
    plugin, _ = probe()
    await world.start(plugin, defer_after=0.1)
    data = {
        "id": "2",
        "name": "slow",
        "type": 1,
        "options": [{"type": 10, "name": "seconds", "value": 0.4}],
    }
    interaction = fake.interaction(world.guild, ALICE, 2, data)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    [deferred] = await fake.wait_for("POST", f"/interactions/{interaction['id']}/")
    assert deferred.body["type"] == 5  # deferred: "the bot is thinking"
    [follow] = await fake.wait_for("POST", f"/webhooks/{APPLICATION_ID}/")
    assert _content(follow.body) == "finally"


async def test_member_join_is_attributed_by_invite_uses(world: World) -> None:
    fake, guild = world.fake, world.guild
    fake.add_invite(guild, "bobsinvite", BOB, uses=3)
    guild.vanity = {"code": "readers", "uses": 10}
    plugin, seen = probe()
    _, adapter = await world.start(plugin)
    await eventually(lambda: len(fake.sent("GET", "/invites")) >= 1)

    await fake.join(guild, ("200000000000000001", "carol"), via="bobsinvite")
    await eventually(lambda: len(seen) == 1)
    carol = seen[0]
    assert isinstance(carol, MemberJoined)
    assert carol.inviter is not None and carol.inviter.id == BOB[0]
    assert carol.invited_via == "invite_uses:bobsinvite"
    assert carol.scene.kind == "guild" and carol.scene.id == guild.id

    await fake.join(guild, ("200000000000000002", "dan"), via="vanity")
    await fake.join(guild, ("200000000000000003", "erin"), via=None)
    await eventually(lambda: len(seen) == 3)
    assert (seen[1].inviter, seen[1].invited_via) == (None, "vanity_url")
    assert (seen[2].inviter, seen[2].invited_via) == (None, "unknown")

    # A personal invite made by the bot credits the member it belongs to, not the bot.
    alice = User(platform="discord", id=ALICE[0], name=ALICE[1])
    channel_scene = carol.scene
    url = await adapter.create_invite(channel_scene, alice, "alice's invite")
    code = url.rsplit("/", 1)[-1]
    await fake.join(guild, ("200000000000000004", "frank"), via=code)
    await eventually(lambda: len(seen) == 4)
    assert seen[3].inviter is not None and seen[3].inviter.id == ALICE[0]
    assert seen[3].invited_via == "invite_link:alice's invite"


async def test_simultaneous_joins_are_never_credited_to_the_wrong_member(world: World) -> None:
    fake, guild = world.fake, world.guild
    fake.add_invite(guild, "bobs", BOB, uses=0)
    fake.add_invite(guild, "olivias", OWNER, uses=0)
    plugin, seen = probe()
    await world.start(plugin)
    await eventually(lambda: len(fake.sent("GET", "/invites")) >= 1)
    # Both invites are used before the bot reads any count: nobody can be credited.
    guild.invites["bobs"]["uses"] += 1
    guild.invites["olivias"]["uses"] += 1
    for user in (("200000000000000011", "gus"), ("200000000000000012", "hana")):
        member = fake.add_member(guild, *user)
        await fake.dispatch("GUILD_MEMBER_ADD", {**member, "guild_id": guild.id})
    await eventually(lambda: len(seen) == 2)
    assert [(e.inviter, e.invited_via) for e in seen] == [(None, "unknown"), (None, "unknown")]


async def test_button_press_is_acknowledged_and_dispatched(world: World) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = probe()
    await world.start(plugin)
    pick = fake.interaction(guild, ALICE, 2, {"id": "3", "name": "pick", "type": 1})
    await fake.dispatch("INTERACTION_CREATE", pick)
    [shown] = await fake.wait_for("POST", f"/interactions/{pick['id']}/")
    buttons = shown.body["data"]["components"][0]["components"]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [("Red", "red"), ("Blue", "blue")]

    message = fake.message(guild, ("900000000000000002", "shequn"), "Colour?")
    press = fake.interaction(
        guild, BOB, 3, {"custom_id": "blue", "component_type": 2}, message=message
    )
    await fake.dispatch("INTERACTION_CREATE", press)
    [ack] = await fake.wait_for("POST", f"/interactions/{press['id']}/")
    assert ack.body["type"] == 6  # acknowledged: the spinner stops
    [reply] = await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages")
    assert _content(reply.body) == "you chose blue"
    assert isinstance(seen[0], ButtonPressed) and seen[0].user.id == BOB[0]
    assert seen[0].message_id == message["id"]


async def test_kick_is_denied_to_a_member_and_done_once_for_an_admin(world: World) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = probe()
    await world.start(plugin)
    boot = {
        "id": "4",
        "name": "boot",
        "type": 1,
        "options": [{"type": 6, "name": "member", "value": BOB[0]}],
        "resolved": {"users": {BOB[0]: {"id": BOB[0], "username": "bob"}}},
    }
    denied = fake.interaction(guild, ALICE, 2, boot)
    await fake.dispatch("INTERACTION_CREATE", denied)
    [answer] = await fake.wait_for("POST", f"/interactions/{denied['id']}/")
    assert "admin" in _content(answer.body).lower()
    assert fake.sent("DELETE", f"/guilds/{guild.id}/members/") == []
    assert BOB[0] in guild.members

    allowed = fake.interaction(guild, ADMIN, 2, boot)
    await fake.dispatch("INTERACTION_CREATE", allowed)
    await fake.dispatch("INTERACTION_CREATE", allowed)  # redelivered
    [done] = await fake.wait_for("POST", f"/interactions/{allowed['id']}/")
    assert _content(done.body) == "removed bob"
    await eventually(lambda: any(isinstance(e, MemberLeft) for e in seen))
    await asyncio.sleep(0.2)
    assert len(fake.sent("DELETE", f"/guilds/{guild.id}/members/{BOB[0]}")) == 1
    left = [e for e in seen if isinstance(e, MemberLeft)]
    assert len(left) == 1 and left[0].kicked and left[0].user.id == BOB[0]


async def test_owner_and_admin_levels_come_from_the_server(world: World) -> None:
    _, adapter = await world.start()
    scene = adapter_scene(world)
    assert await adapter.member_count(scene) == 5
    level = adapter.role_of
    assert await level(scene, User(platform="discord", id=OWNER[0])) is Level.OWNER
    assert await level(scene, User(platform="discord", id=ADMIN[0])) is Level.ADMIN
    assert await level(scene, User(platform="discord", id=ALICE[0])) is Level.MEMBER


def adapter_scene(world: World) -> Any:
    from adapters.discord.builder import channel_scene

    return channel_scene(int(world.guild.channel_id), "general", int(world.guild.id))


async def test_malformed_and_unknown_payloads_are_skipped(world: World) -> None:
    fake, guild = world.fake, world.guild
    await world.start(signin_plugin, points_plugin)
    await fake.dispatch("MESSAGE_CREATE", {"id": "not a number", "content": 5})
    await fake.dispatch("GUILD_MEMBER_ADD", {"guild_id": guild.id})
    await fake.dispatch("SOMETHING_NEW", {"x": 1})
    await fake.dispatch("INTERACTION_CREATE", {"id": "1", "type": 2})
    weird = fake.interaction(guild, ALICE, 2, {"id": "9", "name": "nonexistent", "type": 1})
    await fake.dispatch("INTERACTION_CREATE", weird)
    [unknown] = await fake.wait_for("POST", f"/interactions/{weird['id']}/")
    assert unknown.body["data"]["flags"] == 64  # only the member sees it

    message = fake.message(guild, ALICE, "!signin")
    await fake.dispatch("MESSAGE_CREATE", message)
    [sent] = await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages")
    assert "alice" in _content(sent.body)


async def test_prefix_command_takes_a_mention_as_its_user_argument(world: World) -> None:
    fake, guild = world.fake, world.guild
    await world.start(signin_plugin, points_plugin)
    text = f"!points <@{BOB[0]}>"
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, ALICE, text, mentions=[BOB]))
    [sent] = await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages")
    assert BOB[0] in _content(sent.body)  # bob's standing, not alice's
    assert sent.body["allowed_mentions"]["parse"] == []  # nobody pinged by accident


async def test_sharded_client_identifies_every_shard(world: World) -> None:
    await world.start(shards=2)
    await eventually(lambda: len(world.fake.identify_payloads) == 2)
    shards = sorted(tuple(p["shard"]) for p in world.fake.identify_payloads)
    assert shards == [(0, 2), (1, 2)]
