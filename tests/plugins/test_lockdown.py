"""Lockdown: one command locks every group of a community, holds newcomers, slows or mutes
members (not admins), lifts by itself exactly once even across a restart, and starts on a
surge of joins or messages."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plugins.lockdown import plugin as lockdown_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(lockdown_plugin, **options)
    bot.make_admin("admin")
    return bot


def actions(bot: Harness, kind: str) -> list[str]:
    return [f"{group}/{user}" for action, group, user in bot.actions if action == kind]


async def test_lockdown_lifts_by_itself_once_across_a_restart(make_bot: MakeBot) -> None:
    first = await new_bot(make_bot, database="shared")
    assert "admin" in await first.say("/lockdown 30")  # members may not
    reply = await first.say("/lockdown 30", user="admin")
    assert reply.startswith("🔒 Lockdown until 10:30: newcomers are held")
    assert "once every 60 s" in reply
    assert "locked down for now" in await first.join("newbie")
    assert actions(first, "mute") == ["group/newbie"]
    await first.deliver(first.platform.join_event("newbie", "group"))  # redelivered join
    assert actions(first, "mute") == ["group/newbie"]
    await first.close()

    second = await new_bot(make_bot, database="shared", start=START + timedelta(minutes=10))
    assert "(slow mode, by an admin)" in await second.say("/lockdown status", user="admin")
    assert await second.say("first message", user="bob") == ""
    event = second.message("second message", user="bob")
    assert await second.deliver(event) == []
    assert ("delete", "group", event.id) in second.actions  # slowed: the extra one goes
    assert await second.advance(timedelta(minutes=19)) == ""
    # the simulated clock runs with the wall clock: a few seconds cover the test's own time
    lifted = await second.advance(timedelta(minutes=1, seconds=5))
    assert lifted == "🔓 The lockdown is over. Thank you for your patience!"
    assert actions(second, "unmute") == ["group/newbie"]
    assert await second.advance(timedelta(hours=2)) == ""
    assert await second.say("/lockdown status", user="admin") == (
        "This community is not locked down."
    )
    # a third start on the same database (a second restart) lifts nothing again
    await second.close()
    third = await new_bot(make_bot, database="shared", start=START + timedelta(hours=3))
    assert third.sent == []


async def test_lockdown_covers_the_community_and_mute_mode_spares_admins(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot, superusers=["test:root"])
    await bot.say("/community create Readers", user="root")
    for group in ("g1", "g2"):
        await bot.say("/community add Readers", user="root", group=group)
        await bot.say("/config lockdown mode mute", user="root", group=group)
    await bot.say("hi", user="carol", group="g2")
    bot.make_admin("admin", group="g1")
    before = len(bot.sent)
    await bot.say("/lockdown 15", user="admin", group="g1")
    told = sorted(s.scene.id for s in bot.sent[before:])
    assert told == ["g1", "g2"]
    assert all("members are muted" in s.text for s in bot.sent[before:])
    assert await bot.say("spam", user="carol", group="g2") == ""
    assert actions(bot, "mute") == ["g2/carol"]
    assert await bot.say("spam again", user="carol", group="g2") == ""
    assert actions(bot, "mute") == ["g2/carol"]  # muted once
    assert len(actions(bot, "delete")) == 2
    assert "already runs" in await bot.say("/lockdown 60", user="admin", group="g1")
    assert await bot.advance(timedelta(minutes=15, seconds=5)) == ""  # extended: not yet
    lifted = await bot.advance(timedelta(minutes=45))
    assert lifted.count("lockdown is over") == 2
    assert actions(bot, "unmute") == ["g2/carol"]


async def test_lift_by_hand_and_bad_arguments(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "not locked" in await bot.say("/lockdown off", user="admin")
    for bad in ("abc", "0", "99999", "٣"):
        assert "/lockdown MINUTES" in await bot.say(f"/lockdown {bad}", user="admin")
    await bot.say("/lockdown", user="admin")
    assert "until 2025-03-10 10:30" in await bot.say("/lockdown status", user="admin")
    assert "over" in await bot.say("/lockdown off", user="admin")
    assert await bot.advance(timedelta(hours=1)) == ""  # the timed lift finds nothing to do


async def test_a_surge_of_joins_locks_the_community_automatically(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config lockdown surge_joins 3", user="admin")
    await bot.say("/config lockdown auto_minutes 10", user="admin")
    assert await bot.join("u1") == ""
    await bot.advance(timedelta(seconds=61))
    assert await bot.join("u2") == ""
    assert await bot.join("u3") == ""
    reply = await bot.join("u4")
    assert "Unusual activity" in reply
    assert actions(bot, "mute") == ["group/u4"]
    assert "after a surge of joins" in await bot.say("/lockdown status", user="admin")
    assert "over" in await bot.advance(timedelta(minutes=10, seconds=5))


async def test_a_surge_of_messages_locks_the_community(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config lockdown surge_messages 5", user="admin")
    for n in range(4):
        assert await bot.say(f"flood {n}", user="spammer") == ""
    assert "Unusual activity" in await bot.say("flood 4", user="spammer")


def test_locales_have_the_same_keys() -> None:
    folder = Path(lockdown_plugin.directory or ".") / "locales"
    en = tomllib.loads((folder / "en.toml").read_text(encoding="utf-8"))
    zh = tomllib.loads((folder / "zh-CN.toml").read_text(encoding="utf-8"))
    assert en.keys() == zh.keys()
