"""Sharing sessions: a rota of hosts, reminders at the right times (once, across restarts),
summaries archived and searchable, host points paid once per session."""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from plugins.points import plugin as points_plugin
from plugins.sessions import plugin as sessions_plugin
from plugins.sessions.models import SeriesRow
from plugins.sessions.spec import upcoming
from shequn import Event
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
CREATE = "/session create 03-12 20:00 | Python talks"  # Wednesdays 20:00, weekly


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(sessions_plugin, points_plugin, **options)
    bot.make_admin("admin")
    return bot


def private_to(bot: Harness, user: str, since: int) -> list[str]:
    return [s.text for s in bot.sent[since:] if s.scene.is_private and s.scene.name == user]


async def concurrently(bot: Harness, events: list[Event]) -> list[str]:
    before = len(bot.sent)
    await asyncio.gather(*(bot.deliver(event) for event in events))
    return [sent.text for sent in bot.sent[before:]]


async def test_rota_with_volunteers_and_reminders_at_the_right_times(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    created = await bot.say(CREATE, user="admin")
    assert created.startswith("🎤 Session series #1: “Python talks”, first on 2025-03-12 20:00")
    assert "every 7 days" in created
    assert "🙌 bob, you host session 1" in await bot.say("/session volunteer", user="bob")
    assert "carol, you host session 2" in await bot.say("/session volunteer", user="carol")
    assert "has a host already" in await bot.say("/session volunteer 1", user="dave")
    assert "host session 1 already" in await bot.say("/session volunteer 1", user="bob")
    assert "@erin you host session 4" in await bot.say("/session assign @erin 4", user="admin")
    assert "Rota" not in await bot.say("/session assign @erin 3", user="bob")  # admins only
    rota = await bot.say("/session rota")
    assert rota.splitlines()[1:5] == [
        "1. 2025-03-12 20:00 · bob",
        "2. 2025-03-19 20:00 · carol",
        "3. 2025-03-26 20:00 · open: volunteer!",
        "4. 2025-04-02 20:00 · erin",
    ]
    # The host hears a day before, in private; the group an hour before.
    assert await bot.advance(timedelta(days=1, hours=9, minutes=59)) == ""  # Tue 19:59
    before = len(bot.sent)
    reminder = await bot.advance(timedelta(minutes=1))  # Tue 20:00
    assert private_to(bot, "bob", before) == [reminder]
    assert reminder.startswith("⏰ You host “Python talks” (session 1) at 2025-03-12 20:00.")
    assert await bot.advance(timedelta(hours=22, minutes=59)) == ""  # Wed 18:59
    group = await bot.advance(timedelta(minutes=1))  # Wed 19:00
    assert (
        group == "⏰ Sharing session “Python talks” (1) starts at 2025-03-12 20:00, hosted by @bob"
    )
    assert not bot.sent[-1].scene.is_private
    # The rota rolled on: session 5 is there now, and the open session 3 calls for a host.
    assert "5. 2025-04-09" not in await bot.say("/session rota")
    await bot.advance(timedelta(hours=1))  # Wed 20:00, session 1 starts
    assert "5. 2025-04-09 20:00 · open" in await bot.say("/session rota")
    texts = await bot.advance(timedelta(days=6))  # Tue 18th, 20:00
    assert texts.startswith("⏰ You host “Python talks” (session 2)")
    assert "hosted by @carol" in await bot.advance(timedelta(hours=23))  # Wed 19th, 19:00
    assert await bot.advance(timedelta(days=5, hours=23, minutes=59)) == ""  # Tue 25th, 18:59
    call = await bot.advance(timedelta(hours=1, minutes=1))  # Tue 25th, 20:00
    assert call == (
        "🙋 “Python talks” (session 3) at 2025-03-26 20:00 has no host yet: "
        "volunteer with /session volunteer 3 1"
    )
    assert "it has no host yet" in await bot.advance(timedelta(hours=23))  # Wed 19:00
    assert await bot.advance(timedelta(minutes=59)) == ""


async def test_reminders_fire_once_across_a_restart(make_bot: MakeBot) -> None:
    first = await new_bot(make_bot, database="sessions.db")
    await first.say(CREATE, user="admin")
    await first.say("/session volunteer 1", user="bob")
    assert await first.advance(timedelta(days=1, hours=9)) == ""  # Tue 19:00
    await first.close()
    # Down from Tue 19:00 until Wed 19:30: both reminders of session 1 fell due meanwhile.
    later = START + timedelta(days=2, hours=9, minutes=30)
    second = await new_bot(make_bot, database="sessions.db", start=later)
    texts = [s.text for s in second.sent]
    assert sum("You host “Python talks” (session 1)" in t for t in texts) == 1
    assert sum("starts at 2025-03-12 20:00, hosted by @bob" in t for t in texts) == 1
    third = await new_bot(make_bot, database="sessions.db", start=later + timedelta(minutes=5))
    assert [s.text for s in third.sent] == []  # nothing repeats
    assert "You host" not in await third.advance(timedelta(minutes=10))
    await second.close()
    assert await third.advance(timedelta(minutes=20)) == ""  # 20:05, session 1 under way
    rota = await third.say("/session rota")
    assert "2. 2025-03-19 20:00 · open" in rota and "5. 2025-04-09 20:00 · open" in rota


async def test_summary_is_archived_searchable_and_paid_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/session volunteer 1", user="bob")
    early = await bot.say("/session summary Too early", user="bob")
    assert "hosted no session here in the last 7 days" in early
    await bot.advance(timedelta(days=2, hours=11))  # Wed 21:00, after the session
    assert "hosted no session" in await bot.say("/session summary I was there", user="carol")
    text = "/session summary Asyncio 100% explained: TaskGroup, cancellation"
    same = bot.message(text, user="bob")
    distinct = [bot.message(text, user="bob") for _ in range(4)]
    replies = await concurrently(bot, [same, same, *distinct])
    assert sum("+20 points" in r for r in replies) == 1
    assert sum("is updated" in r for r in replies) == 4
    assert await bot.balance("bob") == 20
    ledger = await bot.app.ledger.count(bot.person("bob"), bot.community(), plugin="sessions")
    assert ledger == 1
    found = await bot.say("/session summaries taskgroup ASYNCIO")
    assert "“Python talks” 1 · 2025-03-12 20:00 · bob: Asyncio 100% explained" in found
    assert await bot.say("/session summaries 100%") == found
    assert await bot.say("/session summaries 10_%") == "No summaries found."
    assert await bot.say("/session summaries kotlin") == "No summaries found."
    assert "at most 4000 characters" in await bot.say("/session summary " + "字" * 4001, user="bob")
    assert "Usage:" in await bot.say("/session summary", user="bob")
    await bot.advance(timedelta(days=8))
    assert "hosted no session" in await bot.say("/session summary late", user="bob")


async def test_assign_drop_stop_and_bad_input(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "No sharing sessions" in await bot.say("/session rota")
    assert "Usage: /session create" in await bot.say("/session create nonsense", user="admin")
    assert "not a time" in await bot.say("/session create 13-45 25:00 | X", user="admin")
    assert "in the future" in await bot.say("/session create 2020-01-01 10:00 | X", user="admin")
    assert "every=DAYS" in await bot.say("/session create 03-12 20:00 | X | every=0", user="admin")
    assert "Session series #1" not in await bot.say(CREATE, user="bob")
    await bot.say(CREATE + " | every=14", user="admin")
    await bot.say("/session create 03-13 08:00 | Reading | every=1", user="admin")
    assert "several series (#1, #2)" in await bot.say("/session rota")
    assert "2. 2025-03-26 20:00" in await bot.say("/session rota 1")
    assert "no session series #9" in await bot.say("/session rota 9")
    assert "no session series #1" in await bot.say("/session rota 1", group="other")
    await bot.say("/session volunteer 1 1", user="bob")
    assert "not an upcoming session you host" in await bot.say("/session drop 1 1", user="carol")
    assert "open again" in await bot.say("/session drop 1 1", user="bob")
    await bot.say("/session volunteer 2 1", user="bob")
    assert "open again" in await bot.say("/session drop 2 1", user="admin")
    assert "not an upcoming session" in await bot.say("/session volunteer 99 1", user="bob")
    assert "Series #2 “Reading” has ended" in await bot.say("/session stop 2", user="admin")
    assert "#1 Python talks · every 14 days" in await bot.say("/session list")
    texts = await bot.advance(timedelta(days=2, hours=9))  # Wed 19:00
    assert "Reading" not in texts
    assert "“Python talks” (1)" in texts


def test_upcoming_keeps_the_local_hour_across_dst() -> None:
    first = datetime(2025, 3, 1, 20, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    series = SeriesRow(id=1, community="c", group_key="g", title="t", first_at=first.timestamp(),
                       every_days=7, timezone="Europe/Berlin", state="active", creator="p",
                       created_at=0.0)  # fmt: skip
    slots = upcoming(series, first.timestamp(), 6)
    assert [n for n, _ in slots] == [2, 3, 4, 5, 6, 7]
    hours = {datetime.fromtimestamp(at, first.tzinfo).hour for _, at in slots}
    assert hours == {20}


def test_locales_have_the_same_keys() -> None:
    folder = Path(sessions_plugin.locales_dir or "")
    en = tomllib.loads((folder / "en.toml").read_text("utf-8"))
    zh = tomllib.loads((folder / "zh-CN.toml").read_text("utf-8"))
    assert en.keys() == zh.keys()
