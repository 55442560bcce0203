"""Interactions as Discord really sends them: every built-in command published the way members
type it, payloads without a channel object, button presses on messages with odd attachments,
and autocomplete of open lotteries, against the local fake Discord."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from plugins.lottery import plugin as lottery_plugin
from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import ButtonPressed, Context, MessageEvent, Plugin, SceneKind
from shequn.internal.loader import discover
from tests.adapters.discord.conftest import ALICE, BOB, OWNER, World, eventually
from tests.adapters.discord.fake_discord import APPLICATION_ID, BOT_ID
from tests.adapters.discord.test_invite_restart import on_test_database

__all__ = ["on_test_database"]  # the fixture: the bot on SQLite or PostgreSQL

ROOT = Path(__file__).resolve().parents[3]
NAME = re.compile(r"^[-_\w]{1,32}$")


def _content(body: Any) -> str:
    data = body.get("data", body) if isinstance(body, dict) else {}
    return str(data.get("content") or "")


def recorder() -> tuple[Plugin, list[Any]]:
    """A plugin that records the messages and button presses it sees."""
    plugin = Plugin("recorder", title="Recorder")
    seen: list[Any] = []

    @plugin.on(MessageEvent)
    async def message(ctx: Context) -> None:
        seen.append(ctx.event)

    @plugin.on(ButtonPressed)
    async def pressed(ctx: Context) -> None:
        assert isinstance(ctx.event, ButtonPressed)
        seen.append(ctx.event)
        await asyncio.sleep(3.5)  # longer than Discord waits for an answer
        await ctx.reply(f"you chose {ctx.event.data}")

    return plugin, seen


async def test_every_builtin_command_is_published_as_members_type_it(world: World) -> None:
    fake = world.fake
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 12
    app, adapter = await world.start(*plugins)
    [synced] = await fake.wait_for("PUT", f"/applications/{APPLICATION_ID}/commands")
    published: list[dict[str, Any]] = synced.body
    assert len(published) <= 100
    commands = {c["name"]: c for c in published}
    assert len(commands) == len(published)
    zh = [c["name_localizations"]["zh-CN"] for c in published if "name_localizations" in c]
    assert len(zh) == len(set(zh))
    for command in published:
        assert NAME.match(command["name"]) and command["name"] == command["name"].lower()
        kinds = {o["type"] for o in command["options"]}
        # A group (subcommands only) or a plain command: never both, never a "run" stand-in.
        assert kinds <= {1, 2} or not kinds & {1, 2}, command["name"]
        assert "run" not in {o["name"] for o in command["options"] if o["type"] == 1}

    signin, points = commands["signin"], commands["points"]
    assert [(o["name"], o["type"], o["required"]) for o in signin["options"]] == [
        ("note", 3, False)
    ]
    assert signin["name_localizations"] == {"zh-CN": "签到"}
    assert [(o["name"], o["type"]) for o in points["options"]] == [("member", 6)]
    assert points["name_localizations"] == {"zh-CN": "积分"}
    assert commands["signin-rank"]["name_localizations"] == {"zh-CN": "签到排行"}
    assert commands["points-history"]["name_localizations"] == {"zh-CN": "积分明细"}
    assert commands["signin-rank"]["options"] == []
    # Two-word commands without a base of their own stay subcommands.
    assert "join" in {o["name"] for o in commands["event"]["options"]}
    # Past Discord's limit, the admin subcommands of the largest families share a group.
    shop_admin = commands["shop-admin"]
    assert {"add", "stock"} <= {o["name"] for o in shop_admin["options"]}
    assert shop_admin["name_localizations"] == {"zh-CN": "商城-管理"}
    assert shop_admin["default_member_permissions"] == str(1 << 5)
    # Every core command can be reached.
    reachable = {spec.name for spec in adapter.slash.routes.values()}
    assert reachable == {spec.name for spec in app.registry.unique_commands()}

    # Bare /signin signs in; /signin-rank runs the core's "signin rank".
    bare = fake.interaction(world.guild, ALICE, 2, {"id": "1", "name": "signin", "type": 1})
    await fake.dispatch("INTERACTION_CREATE", bare)
    [done] = await fake.wait_for("POST", f"/interactions/{bare['id']}/")
    assert "streak" in _content(done.body).lower()
    rank = fake.interaction(world.guild, BOB, 2, {"id": "2", "name": "signin-rank", "type": 1})
    await fake.dispatch("INTERACTION_CREATE", rank)
    [ranked] = await fake.wait_for("POST", f"/interactions/{rank['id']}/")
    assert "longest" in _content(ranked.body).lower()  # the ranking, not a sign-in by bob
    assert ALICE[1] in _content(ranked.body) and BOB[1] not in _content(ranked.body)


async def test_interactions_without_a_channel_object_are_answered(world: World) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = recorder()
    await world.start(signin_plugin, points_plugin, plugin)
    signin = {"id": "771825006014889984", "name": "signin", "type": 1}

    only_id = fake.documented_interaction(guild.id, guild.channel_id, ALICE, signin)
    no_channel = fake.documented_interaction(guild.id, None, BOB, signin)
    private = fake.documented_interaction(None, None, OWNER, signin)
    for payload in (only_id, no_channel, private):
        await fake.dispatch("INTERACTION_CREATE", payload)
        [answer] = await fake.wait_for("POST", f"/interactions/{payload['id']}/")
        assert answer.body["type"] == 4
    assert "alice" in _content(fake.sent("POST", f"/interactions/{only_id['id']}/")[0].body)

    await eventually(lambda: len(seen) == 3)
    by_user = {e.user.id: e for e in seen}
    assert all(e.self_id == BOT_ID for e in seen)
    alice, bob, olivia = by_user[ALICE[0]], by_user[BOB[0]], by_user[OWNER[0]]
    assert (alice.scene.kind, alice.scene.id) == (SceneKind.CHANNEL, guild.channel_id)
    assert alice.scene.group.id == guild.id
    assert (bob.scene.kind, bob.scene.id) == (SceneKind.GUILD, guild.id)
    assert (olivia.scene.kind, olivia.scene.id) == (SceneKind.PRIVATE, OWNER[0])


async def test_a_press_on_a_message_with_a_malformed_attachment_is_answered(
    world: World,
) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = recorder()
    await world.start(plugin)
    # discord.py refuses the whole interaction over the first (a ValueError) and loses the
    # message over the second (a KeyError).
    missing = {"id": fake.snowflake(), "filename": "scan.png"}  # no size, url, proxy_url
    odd_id = {**fake.attachment("b.png"), "id": "not-a-snowflake"}
    attachments = [fake.attachment("a.png"), odd_id, missing]
    message = fake.message(guild, (BOT_ID, "shequn"), "Colour?", attachments=attachments)
    press = fake.interaction(
        guild, BOB, 3, {"custom_id": "blue", "component_type": 2}, message=message
    )
    await fake.dispatch("INTERACTION_CREATE", press)
    [ack] = await fake.wait_for("POST", f"/interactions/{press['id']}/")
    assert ack.body["type"] == 6  # acknowledged at once, though the handler takes 3.5 s
    await eventually(lambda: any(isinstance(e, ButtonPressed) for e in seen))
    pressed = next(e for e in seen if isinstance(e, ButtonPressed))
    assert pressed.message_id == message["id"] and pressed.self_id == BOT_ID

    submit = fake.interaction(
        guild,
        ALICE,
        5,
        {"custom_id": "form", "components": []},
        message={**message, "id": fake.snowflake()},
    )
    await fake.dispatch("INTERACTION_CREATE", submit)
    [closed] = await fake.wait_for("POST", f"/interactions/{submit['id']}/")
    assert closed.body["type"] == 6


async def test_autocomplete_offers_the_open_lotteries_of_the_server(
    on_test_database: World,
) -> None:
    world = on_test_database
    fake, guild = world.fake, world.guild
    other = fake.add_guild("Elsewhere", OWNER)
    await world.start(lottery_plugin, points_plugin)
    [synced] = await fake.wait_for("PUT", f"/applications/{APPLICATION_ID}/commands")
    join = {c["name"]: c for c in synced.body}["lottery-join"]
    assert join["options"][0]["name"] == "lottery_id"
    assert join["options"][0]["type"] == 4 and join["options"][0]["autocomplete"] is True
    assert "choices" not in join["options"][0]

    creations = (
        (guild, "!lottery create Keyboard end=2h"),
        (guild, "!lottery create Coffee mug end=3h"),
        (other, "!lottery create Elsewhere prize end=2h"),
    )
    for made, (where, text) in enumerate(creations, start=1):
        await fake.dispatch("MESSAGE_CREATE", fake.message(where, OWNER, text))
        await fake.wait_for("POST", "/messages", count=made)

    def typing(value: str) -> dict[str, Any]:
        option = {"type": 4, "name": "lottery_id", "value": value, "focused": True}
        data = {"id": "5", "name": "lottery-join", "type": 1, "options": [option]}
        return fake.interaction(guild, ALICE, 4, data)

    everything = typing("")
    await fake.dispatch("INTERACTION_CREATE", everything)
    [answer] = await fake.wait_for("POST", f"/interactions/{everything['id']}/")
    assert answer.body["type"] == 8
    choices = answer.body["data"]["choices"]
    assert sorted(c["value"] for c in choices) == [1, 2]
    assert {c["name"] for c in choices} == {"#1 Keyboard", "#2 Coffee mug"}

    mug = typing("mug")
    await fake.dispatch("INTERACTION_CREATE", mug)
    [answer] = await fake.wait_for("POST", f"/interactions/{mug['id']}/")
    assert answer.body["data"]["choices"] == [{"name": "#2 Coffee mug", "value": 2}]

    # Where the plugin is off, nothing is suggested (and the answer still comes).
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, OWNER, "!plugin off lottery"))
    await fake.wait_for("POST", "/messages", count=len(creations) + 1)
    switched_off = typing("")
    await fake.dispatch("INTERACTION_CREATE", switched_off)
    [answer] = await fake.wait_for("POST", f"/interactions/{switched_off['id']}/")
    assert answer.body == {"type": 8, "data": {"choices": []}}
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, OWNER, "!plugin on lottery"))
    await fake.wait_for("POST", "/messages", count=len(creations) + 2)

    # The choice dispatches to the core command with that argument.
    data = {
        "id": "5",
        "name": "lottery-join",
        "type": 1,
        "options": [{"type": 4, "name": "lottery_id", "value": 2}],
    }
    enter = fake.interaction(guild, ALICE, 2, data)
    await fake.dispatch("INTERACTION_CREATE", enter)
    [entered] = await fake.wait_for("POST", f"/interactions/{enter['id']}/")
    assert "#2" in _content(entered.body) or "Coffee mug" in _content(entered.body)
