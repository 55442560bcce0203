"""Announcements: cron parsing, one-off and recurring schedules, community broadcasts paced
per group, the newcomer plan, and nothing repeated or lost across a restart."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, select

from plugins.announce import plugin as announce_plugin
from plugins.announce.cron import CronError, parse
from plugins.announce.models import Delivery
from plugins.announce.when import parse_when
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
_delivery = Delivery.__table__  # type: ignore[attr-defined]


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(announce_plugin, **options)
    bot.make_admin("admin")
    return bot


async def deliveries(bot: Harness) -> list[tuple[str, str, str]]:
    def read(conn: Connection) -> list[tuple[str, str, str]]:
        rows = conn.execute(select(_delivery).order_by(_delivery.c.created_at, _delivery.c.key))
        return [(r.kind, r.group_key, r.status) for r in rows]

    return await bot.app.db.read(read)


# -- cron ---------------------------------------------------------------------------------


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_cron_next_occurrences() -> None:
    monday_ten = local(2025, 3, 10, 10, 0)
    assert parse("0 9 * * *").next_after(monday_ten, SHANGHAI) == local(2025, 3, 11, 9, 0)
    assert parse("30 10 * * *").next_after(monday_ten, SHANGHAI) == local(2025, 3, 10, 10, 30)
    assert parse("0 9 * * 1").next_after(monday_ten, SHANGHAI) == local(2025, 3, 17, 9, 0)
    assert parse("0 9 * * fri").next_after(monday_ten, SHANGHAI) == local(2025, 3, 14, 9, 0)
    assert parse("*/15 * * * *").next_after(monday_ten, SHANGHAI) == local(2025, 3, 10, 10, 15)
    assert parse("0 20 1 * *").next_after(monday_ten, SHANGHAI) == local(2025, 4, 1, 20, 0)
    assert parse("@weekly").next_after(monday_ten, SHANGHAI) == local(2025, 3, 16, 0, 0)
    assert parse("0 0 * * 7") == parse("0 0 * * 0")
    # both day fields restricted: either matches (the 13th, or any Friday)
    assert parse("0 8 13 * 5").next_after(monday_ten, SHANGHAI) == local(2025, 3, 13, 8, 0)
    assert parse("0 0 30 2 *").next_after(monday_ten, SHANGHAI) is None


def test_cron_skips_a_time_lost_to_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2025, 3, 29, 12, 0, tzinfo=berlin)
    assert parse("30 2 * * *").next_after(before, berlin) == datetime(
        2025, 3, 31, 2, 30, tzinfo=berlin
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "* * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "*/0 * * * *",
        "5-1 * * * *",
        "a * * * *",
        "* * * * 8",
        "１ * * * *",
        "* * * * * *",
    ],
)
def test_cron_rejects_malformed_expressions(text: str) -> None:
    with pytest.raises(CronError):
        parse(text)


def test_when_parses_relative_clock_and_dates() -> None:
    now = START
    assert parse_when("+2h", now, SHANGHAI) == now + timedelta(hours=2)
    assert parse_when("90m", now, SHANGHAI) == now + timedelta(minutes=90)
    assert parse_when("09:30", now, SHANGHAI) == local(2025, 3, 11, 9, 30)
    assert parse_when("11:00", now, SHANGHAI) == local(2025, 3, 10, 11, 0)
    assert parse_when("2025-03-12T09:30", now, SHANGHAI) == local(2025, 3, 12, 9, 30)
    for bad in ("2020-01-01T00:00", "yesterday", "25:00", "+400d", "x" * 500, ""):
        assert parse_when(bad, now, SHANGHAI) is None


# -- commands -----------------------------------------------------------------------------


async def test_members_cannot_schedule_and_bad_input_is_explained(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "admin" in await bot.say("/announce once +1h hello")
    assert "not a future time" in await bot.say("/announce once soon hello", user="admin")
    assert "not a valid cron" in await bot.say('/announce every "61 * * * *" hi', user="admin")
    assert "Write the announcement" in await bot.say("/announce once +1h", user="admin")
    assert "at most 2000" in await bot.say("/announce once +1h " + "长" * 2001, user="admin")
    assert await bot.say("/announce list", user="admin") == "No announcements are scheduled."


async def test_one_off_announcement_is_sent_once_and_logged(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    reply = await bot.say("/announce once +2h Meeting at 8 pm 🎉", user="admin")
    assert reply == "📢 Announcement #1 for this group is scheduled for 2025-03-10 12:00."
    assert await bot.advance(timedelta(hours=1)) == ""
    assert await bot.advance(timedelta(hours=1)) == "Meeting at 8 pm 🎉"
    assert await bot.advance(timedelta(days=2)) == ""
    assert await deliveries(bot) == [("schedule", "test:group", "sent")]
    assert await bot.say("/announce list", user="admin") == "No announcements are scheduled."
    log = await bot.say("/announce log", user="admin")
    assert "announcement · test:group · sent" in log
    assert "pinned" not in log  # the simulated platform cannot pin


async def test_cancelled_announcement_never_fires(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/announce every @daily Daily tip", user="admin")
    assert "#1" in await bot.say("/announce list", user="admin")
    assert await bot.say("/announce cancel 1", user="admin") == "Announcement #1 is cancelled."
    assert "no longer active" in await bot.say("/announce cancel 1", user="admin")
    assert "no announcement #7" in await bot.say("/announce cancel 7", user="admin")
    assert await bot.advance(timedelta(days=3)) == ""


async def test_broadcast_reaches_every_group_of_the_community_spaced(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot, superusers=["test:root"])
    await bot.say("/community create Readers", user="root")
    for group in ("g1", "g2", "g3"):
        await bot.say("/community add Readers", user="root", group=group)
        await bot.say("hello", user="bob", group=group)  # the bot learns each group's scene
    await bot.say("hello", user="bob", group="elsewhere")  # another community
    bot.make_admin("admin", group="g1")
    reply = await bot.say("/broadcast once +1h Big news", user="admin", group="g1")
    assert "every group of the community" in reply
    before = len(bot.sent)
    await bot.advance(timedelta(hours=1))
    first = [s.scene.id for s in bot.sent[before:]]
    assert len(first) == 1  # paced: the next groups follow broadcast_spacing seconds apart
    await bot.advance(timedelta(seconds=10))
    targets = sorted(s.scene.id for s in bot.sent[before:])
    assert targets == ["g1", "g2", "g3"]
    assert all(s.text == "Big news" for s in bot.sent[before:])


# -- acceptance: a recurring announcement and a newcomer plan across a restart -------------


async def test_recurring_announcement_and_newcomer_plan_survive_a_restart(
    make_bot: MakeBot,
) -> None:
    first = await new_bot(make_bot, database="shared")
    await first.say("/config announce plan_enabled true", user="admin")
    await first.say("/config announce rules No ads, please.", user="admin")
    await first.say("/config announce invitation Friday's reading club", user="admin")
    reply = await first.say('/announce every "0 9 * * *" Good morning!', user="admin")
    assert "repeats (0 9 * * *); first at 2025-03-11 09:00" in reply
    await first.join("nina")
    await first.deliver(first.platform.join_event("nina", "group"))  # a redelivered join
    day1 = await first.advance(timedelta(0))
    assert day1 == "@nina welcome, nina! Here are the group rules:\nNo ads, please."
    await first.close()

    # The bot is down from Monday 10:00 to Tuesday 08:00 (local), then runs for eight days.
    second = await new_bot(make_bot, database="shared", start=START + timedelta(hours=22))
    assert await second.advance(timedelta(0)) == ""
    morning = await second.advance(timedelta(hours=1))
    assert morning == "Good morning!"
    assert await second.advance(timedelta(hours=24)) == "Good morning!"  # Wednesday 09:00
    day3 = await second.advance(timedelta(hours=2))  # Wednesday 11:00, two days after joining
    assert day3.startswith("@nina you have been with us for three days")
    texts = []
    for _ in range(16):
        texts.append(await second.advance(timedelta(hours=12)))
    sent = "\n".join(t for t in texts if t)
    assert sent.count("Good morning!") == 8
    assert sent.count("one week in, nina! You are invited: Friday's reading club") == 1
    rows = await deliveries(second)
    assert [r[0] for r in rows].count("plan") == 3
    assert all(r[2] == "sent" for r in rows)


async def test_a_restart_after_downtime_sends_a_missed_occurrence_once(
    make_bot: MakeBot,
) -> None:
    first = await new_bot(make_bot, database="shared")
    await first.say("/announce every @daily Tip of the day", user="admin")
    await first.close()
    # Down for three days: the overdue occurrence is sent once on start, not three times.
    second = await new_bot(make_bot, database="shared", start=START + timedelta(days=3))
    assert [s.text for s in second.sent] == ["Tip of the day"]
    assert await second.advance(timedelta(hours=14)) == "Tip of the day"  # next midnight


def test_locales_have_the_same_keys() -> None:
    folder = Path(announce_plugin.directory or ".") / "locales"
    en = tomllib.loads((folder / "en.toml").read_text(encoding="utf-8"))
    zh = tomllib.loads((folder / "zh-CN.toml").read_text(encoding="utf-8"))
    assert en.keys() == zh.keys()
