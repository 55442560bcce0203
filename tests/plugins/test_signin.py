"""The sign-in plugin: once a day, streaks and bonuses, make-ups, and exactly-once awards."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Connection, func, select

from plugins.points import plugin as points_plugin
from plugins.signin import SigninConfig
from plugins.signin import plugin as signin_plugin
from plugins.signin.dates import parse_day
from plugins.signin.models import SigninRecord
from plugins.signin.rewards import bonus_for, next_bonus
from shequn import Posting, User
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in the default Asia/Shanghai
DAY = timedelta(days=1)
_record = SigninRecord.__table__  # type: ignore[attr-defined]


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(signin_plugin, points_plugin, **options)
    bot.make_admin("admin")
    return bot


async def ledger_rows(bot: Harness, user: str = "alice") -> int:
    return len(await bot.app.ledger.history(bot.person(user), bot.community(), 10_000))


async def streaks(bot: Harness, user: str = "alice") -> dict[str, int]:
    """The stored rows of ``user``: day -> streak."""
    person = bot.person(user)

    def read(conn: Connection) -> dict[str, int]:
        rows = conn.execute(
            select(_record.c.day, _record.c.streak).where(_record.c.person == person)
        )
        return {row.day: row.streak for row in rows}

    return await bot.app.db.read(read)


async def row_count(bot: Harness) -> int:
    def read(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(_record)).scalar_one())

    return await bot.app.db.read(read)


async def seed(bot: Harness, user: str, amount: int) -> None:
    person, community = bot.person(user), bot.community()
    await bot.app.ledger.post(Posting(person, community, amount, "seed", f"seed:{person}"))


# -- once a day -------------------------------------------------------------------------------


async def test_first_signin_awards_and_second_is_refused(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/signin") == (
        "✅ alice signed in: 1-day streak, +10 points. Balance: 10.\n"
        "Keep going: a 3-day streak earns +5 extra."
    )
    assert await bot.say("签到") == (
        "alice, you have already signed in today (1-day streak). Come back tomorrow!"
    )
    assert await bot.balance() == 10
    assert await ledger_rows(bot) == 1
    assert await streaks(bot) == {"2025-03-10": 1}


async def test_keywords_and_aliases_all_sign_in(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    for text in ("签到", "打卡", "/签到", "/checkin", "!signin"):
        assert "signed in: " in await bot.say(text)
        await bot.advance(DAY)
    assert await bot.balance() == 10 * 5 + 5  # day 3 of the streak earns +5


async def test_signin_is_group_only(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/signin", group=None) == "This command works in groups only."
    assert await row_count(bot) == 0


async def test_groups_are_separate_communities(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "Balance: 10." in await bot.say("/signin")
    assert "Balance: 10." in await bot.say("/signin", group="other")
    assert await bot.balance(group="group") == 10
    assert await bot.balance(group="other") == 10


async def test_joined_groups_share_one_signin_per_day(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, superusers=["test:root"])
    await bot.say("/community create club", user="root")
    await bot.say("/community add club test:group", user="root")
    await bot.say("/community add club test:other", user="root")
    assert "Balance: 10." in await bot.say("/signin", group="group")
    assert "already signed in" in await bot.say("/signin", group="other")
    assert await bot.balance(group="other") == 10
    assert await row_count(bot) == 1


# -- streaks and bonuses ----------------------------------------------------------------------


async def test_streak_grows_earns_bonus_and_resets_after_a_gap(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    balances = []
    for _ in range(3):
        await bot.say("/signin")
        balances.append(await bot.balance())
        await bot.advance(DAY)
    assert balances == [10, 20, 35]
    await bot.advance(DAY)  # a day missed
    reply = await bot.say("/signin")
    assert reply.startswith("✅ alice signed in: 1-day streak, +10 points. Balance: 45.")
    assert await streaks(bot) == {
        "2025-03-10": 1,
        "2025-03-11": 2,
        "2025-03-12": 3,
        "2025-03-14": 1,
    }


async def test_bonus_message_on_milestone(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    for _ in range(2):
        await bot.say("/signin")
        await bot.advance(DAY)
    assert await bot.say("/signin") == (
        "✅ alice signed in: 3-day streak, +15 points. Balance: 35.\n"
        "🎉 That includes a bonus of +5 for a 3-day streak!\n"
        "Keep going: a 6-day streak earns +5 extra."
    )


def test_bonus_pays_the_largest_dividing_tier_only() -> None:
    tiers = {3: 5, 7: 20, 30: 50}
    assert [bonus_for(day, tiers) for day in (1, 2, 3, 6, 7, 14, 21, 30, 42, 60, 210)] == [
        0,
        0,
        5,
        5,
        20,
        20,
        20,
        50,
        20,
        50,
        50,
    ]
    assert next_bonus(3, tiers) == (6, 5)
    assert next_bonus(6, tiers) == (7, 20)
    assert next_bonus(29, tiers) == (30, 50)
    assert next_bonus(5, {}) is None


def test_config_reads_tier_pairs_and_rejects_bad_ones() -> None:
    assert SigninConfig(streak_bonus="7:20, 3:5").streak_bonus == {3: 5, 7: 20}
    assert SigninConfig(streak_bonus={"2": "1"}).streak_bonus == {2: 1}
    assert SigninConfig(streak_bonus="").streak_bonus == {}
    for bad in ("3=5", "0:5", "3:0", "x:1"):
        with pytest.raises(ValidationError):
            SigninConfig(streak_bonus=bad)


async def test_admins_tune_points_and_tiers_in_chat(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "is now 3" in await bot.say("/config signin points 3", user="admin")
    assert "{2: 4}" in await bot.say("/config signin streak_bonus 2:4", user="admin")
    await bot.say("/signin")
    await bot.advance(DAY)
    assert "2-day streak, +7 points" in await bot.say("/signin")


async def test_local_day_follows_the_group_timezone(make_bot: MakeBot) -> None:
    # 15:58 UTC is 23:58 in Shanghai (the default): three minutes later is a new local day.
    bot = await new_bot(make_bot, start=datetime(2025, 3, 10, 15, 58, tzinfo=UTC))
    assert "1-day streak" in await bot.say("/signin")
    await bot.advance(timedelta(minutes=3))
    assert "2-day streak" in await bot.say("/signin")
    assert await streaks(bot) == {"2025-03-10": 1, "2025-03-11": 2}


async def test_utc_group_keeps_its_own_day(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, start=datetime(2025, 3, 10, 15, 58, tzinfo=UTC))
    await bot.say("/config core timezone UTC", user="admin")
    assert "1-day streak" in await bot.say("/signin")
    await bot.advance(timedelta(minutes=3))  # 16:01 UTC: still 2025-03-10 here
    assert "already signed in" in await bot.say("/signin")
    await bot.advance(timedelta(hours=8))  # 00:01 UTC
    assert "2-day streak" in await bot.say("/signin")


# -- exactly once -----------------------------------------------------------------------------


async def test_one_event_redelivered_200_times_awards_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    event = bot.message("/signin")
    replies = await asyncio.gather(*(bot.deliver(event) for _ in range(200)))
    assert sum(len(r) for r in replies) == 1
    assert await bot.balance() == 10
    assert await ledger_rows(bot) == 1
    assert await row_count(bot) == 1


async def test_200_distinct_events_award_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await asyncio.gather(*(bot.say("签到") for _ in range(200)))
    sent = [s.text for s in bot.sent]  # concurrent replies interleave: count them all
    assert sum("signed in: " in text for text in sent) == 1
    assert sum("already signed in" in text for text in sent) == 199
    assert await bot.balance() == 10
    assert await ledger_rows(bot) == 1
    assert await row_count(bot) == 1


async def test_two_workers_on_one_database_award_once(make_bot: MakeBot, tmp_path: Path) -> None:
    # Each worker has its own in-memory de-duplication; only the database can decide.
    database = tmp_path / "shared.db"
    first = await new_bot(make_bot, database=database)
    second = await new_bot(make_bot, database=database)
    event = first.message("/signin")
    deliveries = [first.deliver(event) for _ in range(3)] + [
        second.deliver(event) for _ in range(3)
    ]
    distinct = [first.say("/signin") for _ in range(50)] + [second.say("签到") for _ in range(50)]
    await asyncio.gather(*deliveries, *distinct)
    sent = [s.text for s in first.sent + second.sent]
    assert sum("signed in: " in text for text in sent) == 1
    assert sum("already signed in" in text for text in sent) == 101
    assert await first.balance() == 10
    assert await second.balance() == 10
    assert await ledger_rows(first) == 1
    assert await row_count(first) == 1


async def test_row_without_its_points_is_rolled_back(make_bot: MakeBot) -> None:
    # A ledger entry already holding today's key (as if left by an older run) makes the
    # posting a duplicate: the sign-in row must go too, never stand without its points.
    bot = await new_bot(make_bot)
    person, community = bot.person(), bot.community()
    key = f"signin:{community}:{person}:2025-03-10"
    await bot.app.ledger.post(Posting(person, community, 1, "older run", key))
    reply = await bot.say("/signin")
    assert reply == "alice, today's sign-in reward was already recorded; nothing changed."
    assert await row_count(bot) == 0
    assert await bot.balance() == 1


# -- make-up sign-ins -------------------------------------------------------------------------


async def test_makeup_fills_a_gap_and_renumbers_the_streak(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/signin")  # 03-10, streak 1
    await bot.advance(2 * DAY)
    await bot.say("/signin")  # 03-12, streak 1 again
    assert await bot.balance() == 20
    reply = await bot.say("/signin makeup 1")
    assert reply == "Made up 2025-03-11 (cost: 20). Current streak: 3. Balance: 0."
    assert await streaks(bot) == {"2025-03-10": 1, "2025-03-11": 2, "2025-03-12": 3}
    assert await ledger_rows(bot) == 3
    await bot.advance(DAY)
    assert "4-day streak, +10 points. Balance: 10." in await bot.say("/signin")


async def test_makeup_in_the_middle_of_two_runs(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    for signs in (True, True, False, True, True, True):  # 03-10 .. 03-15
        if signs:
            await bot.say("/signin")
        await bot.advance(DAY)
    # 03-16 now; fill 03-12 by date.
    assert "Current streak: 6." in await bot.say("补签 2025-03-12")
    assert await streaks(bot) == {f"2025-03-{day}": day - 9 for day in range(10, 16)}


async def test_makeup_with_too_few_points_changes_nothing(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.advance(DAY)
    await bot.say("/signin")  # balance 10, cost 20
    reply = await bot.say("补签 昨天")
    assert reply == "A make-up sign-in costs 20, but your balance is 10. Nothing changed."
    assert await streaks(bot) == {"2025-03-11": 1}
    assert await bot.balance() == 10
    assert await ledger_rows(bot) == 1
    await seed(bot, "alice", 10)
    assert "Balance: 0." in await bot.say("补签 昨天")
    assert await streaks(bot) == {"2025-03-10": 1, "2025-03-11": 2}


async def test_makeup_paid_once_however_often_sent(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    await asyncio.gather(*(bot.say("/signin makeup 1") for _ in range(50)))
    sent = [s.text for s in bot.sent]
    assert sum(text.startswith("Made up") for text in sent) == 1
    assert sum("already signed in; nothing was charged" in text for text in sent) == 49
    assert await bot.balance() == 80
    assert await row_count(bot) == 1


async def test_makeup_refusals(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    await bot.say("/signin")
    assert await bot.say("/signin makeup 0") == (
        "Only past days can be made up; for today just send /signin."
    )
    assert await bot.say("/signin makeup 8") == "Only days from 2025-03-03 on can be made up."
    assert await bot.say("/signin makeup someday") == (
        "“someday” is not a day. Use YYYY-MM-DD, MM-DD or a number of days back (1 = yesterday)."
    )
    await bot.say("/signin makeup 3-9")
    assert await bot.say("/signin makeup 2025-03-09") == (
        "2025-03-09 is already signed in; nothing was charged."
    )
    await bot.say("/config signin makeup_enabled false", user="admin")
    assert await bot.say("补签 2") == "Make-up sign-ins are switched off in this group."
    assert await bot.balance() == 100 + 10 - 20


async def test_makeup_without_a_day_takes_the_latest_missed(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    await bot.say("/config signin makeup_days 2", user="admin")
    await bot.advance(DAY)
    await bot.say("/signin")  # 03-11
    await bot.advance(DAY)  # 03-12: 03-11 signed, 03-10 missed
    assert (await bot.say("补签")).startswith("Made up 2025-03-10 ")
    assert (
        await bot.say("补签") == "You have not missed a day since 2025-03-10. Nothing to make up."
    )


def test_days_members_may_name() -> None:
    today = date(2025, 3, 10)
    assert parse_day("1", today) == date(2025, 3, 9)
    assert parse_day("昨天", today) == date(2025, 3, 9)
    assert parse_day("前天", today) == date(2025, 3, 8)
    assert parse_day("2025-03-05", today) == date(2025, 3, 5)
    assert parse_day("3/5", today) == date(2025, 3, 5)
    assert parse_day("3月5日", today) == date(2025, 3, 5)
    assert parse_day("5号", today) == date(2025, 3, 5)
    assert parse_day("28日", today) == date(2025, 2, 28)
    assert parse_day("12-31", today) == date(2024, 12, 31)
    for bad in ("", "soon", "2025-02-30", "1-2-3-4", "31号x"):
        assert parse_day(bad, today) is None


# -- views ------------------------------------------------------------------------------------


async def test_calendar_marks_signed_and_made_up_days(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    for _ in range(2):
        await bot.say("/signin")
        await bot.advance(DAY)
    await bot.say("补签 3-9")  # today is 03-12; 03-10 and 03-11 signed
    assert await bot.say("/signin calendar") == "\n".join(
        [
            "alice's sign-ins in 2025-03:",
            " Mo   Tu   We   Th   Fr   Sa   Su",
            "                          01   02",
            " 03   04   05   06   07   08  (09)",
            "[10] [11]  12   13   14   15   16",
            " 17   18   19   20   21   22   23",
            " 24   25   26   27   28   29   30",
            " 31",
            "[dd] signed in · (dd) made up",
            "Days signed in this month: 3 of 12 so far. Current streak: 3.",
        ]
    )


async def test_streak_rank_lists_live_streaks(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/signin rank") == (
        "No one has a sign-in streak here yet. Be the first: /signin"
    )
    await bot.say("/signin", user="carol")  # 03-10 only: stale by 03-12
    for day in range(3):
        await bot.say("/signin", user="alice")
        if day >= 1:
            await bot.say("/signin", user="dave")
        if day == 2:
            await bot.say("/signin", user="bob")
        await bot.advance(DAY)
    # 03-13: alice, dave and bob signed yesterday (alive), nobody yet today.
    await bot.say("/signin", user="bob")
    await bot.app.identity.remember_name(User(platform="test", id="alice", name="Alice W."))
    assert await bot.say("签到排行", user="erin") == "\n".join(
        [
            "Longest sign-in streaks, in days (top 3):",
            "1. Alice W.: 3",
            "2. bob: 2",
            "3. dave: 2",
        ]
    )


async def test_chinese_locale(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config core locale zh-CN", user="admin")
    assert await bot.say("签到") == (
        "✅ alice 签到成功：+10 积分，已连续签到 1 天。当前余额：10。\n"
        "继续加油：连续签到 3 天可额外获得 +5。"
    )
    assert await bot.say("打卡") == "alice，你今天已经签到过了（已连续 1 天），明天再来吧！"
    assert await bot.say("补签 1") == "补签一次需要 20 积分，你只有 10。未做任何更改。"
    assert "一   二   三" in await bot.say("签到日历")


# -- shipped files ----------------------------------------------------------------------------


# -- notes (学习打卡) -------------------------------------------------------------------------


async def notes(bot: Harness, user: str = "alice") -> dict[str, str | None]:
    person = bot.person(user)

    def read(conn: Connection) -> dict[str, str | None]:
        rows = conn.execute(select(_record.c.day, _record.c.note).where(_record.c.person == person))
        return {row.day: row.note for row in rows}

    return await bot.app.db.read(read)


async def test_signin_keeps_a_note_and_marks_the_ledger_reason(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    reply = await bot.say("打卡 读完《置身事内》第三章")
    assert reply.endswith("📝 Your note is kept.")
    assert await notes(bot) == {"2025-03-10": "读完《置身事内》第三章"}
    history = await bot.app.ledger.history(bot.person(), bot.community())
    assert [entry.reason for entry in history] == [
        'i18n:signin:reason.signin_note {"day":"2025-03-10","streak":1}'
    ]


async def test_note_required_for_points_counts_the_streak_and_pays_once(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config signin note_min_length 5", user="admin")
    assert await bot.say("/signin 👍👍👍👍👍👍") == (
        "✅ alice signed in (1-day streak), but without points: here a note of at least 5 "
        "letters or digits earns them. Send /signin with your note today to earn them."
    )
    assert await bot.balance() == 0
    assert "too short" in await bot.say("/signin ok!!")
    event = bot.message("/signin 今天学了异步编程的取消")
    replies = [await bot.deliver(event) for _ in range(3)]
    replies.append(await bot.deliver(bot.message("/signin 再写一条更长的学习笔记")))
    assert replies[0] == ["📝 alice, your note is kept: +10 points for today. Balance: 10."]
    assert all("+10" not in "".join(r) for r in replies[1:])
    assert await bot.balance() == 10
    assert await ledger_rows(bot) == 1
    assert await notes(bot) == {"2025-03-10": "今天学了异步编程的取消"}
    await bot.advance(DAY)
    assert "2-day streak, +10 points" in await bot.say("/signin 第二天的笔记内容")


async def test_note_after_a_paid_signin_is_added_without_points(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/signin")
    assert (
        await bot.say("/signin a late note") == "📝 alice, your note is added to today's sign-in."
    )
    assert await bot.say("/signin another") == (
        "alice, you have already signed in today (1-day streak). Come back tomorrow!"
    )
    assert await bot.balance() == 10
    assert await notes(bot) == {"2025-03-10": "a late note"}


async def test_notes_are_searched_and_counted(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/signin Reading about asyncio 100%", user="alice")
    await bot.say("/signin", user="bob")
    await bot.say("/signin asyncio tasks and cancellation", user="carol")
    today = (await bot.say("/signin notes")).split("\n")
    assert today[0] == "Sign-ins with a note today: 2"
    assert sorted(today[1:]) == [
        "2025-03-10 alice: Reading about asyncio 100%",
        "2025-03-10 carol: asyncio tasks and cancellation",
    ]
    found = await bot.say("/signin notes ASYNCIO cancel")
    assert found == (
        "Notes containing “ASYNCIO cancel”: 1\n2025-03-10 carol: asyncio tasks and cancellation"
    )
    assert "Notes containing “100%”: 1" in await bot.say("/signin notes 100%")
    assert "Notes containing “_”: 0" in await bot.say("/signin notes _")
    await bot.say("/signin " + "长" * 5000, user="dave")
    assert len((await notes(bot, "dave"))["2025-03-10"] or "") == 1000


async def test_a_timezone_moved_west_renumbers_the_later_day(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, timezone="Pacific/Kiritimati")  # UTC+14: Monday 16:00
    assert "1-day streak" in await bot.say("/signin")
    await bot.say("/config core timezone Etc/GMT+12", user="admin")  # UTC-12: Sunday 14:00
    assert "1-day streak" in await bot.say("/signin")  # Sunday, before the stored Monday
    await bot.advance(timedelta(days=1))  # UTC-12: Monday, renumbered to follow Sunday
    assert "already signed in today (2-day streak)" in await bot.say("/signin")
    await bot.say("/config core timezone Pacific/Kiritimati", user="admin")  # Tuesday
    assert "3-day streak" in await bot.say("/signin")
