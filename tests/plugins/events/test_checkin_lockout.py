"""Check-in lockout: a few wrong codes lock that person out of that event's check-in for a
while, across workers and restarts, without touching anyone else."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from plugins.events import plugin as events_plugin
from plugins.events.lockout import LOCKOUT, MAX_MISSES
from plugins.points import plugin as points_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

from .common import START

CREATE = "/event create 2025-03-10 19:00 | Book club | Room 3, Library | 5"
OPEN = timedelta(hours=8, minutes=50)  # 18:50, check-in is open
LOCKED_NOW = (
    "alice, that code is wrong too, and that was too many wrong codes: "
    "you cannot check in at this event for 15 minute(s)."
)


async def events_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(events_plugin, points_plugin, **options)
    bot.make_admin("admin")
    return bot


async def code(bot: Harness, event_id: int = 1) -> str:
    reply = await bot.say(f"/event code {event_id}", user="admin")
    return re.findall(r"\d{6}", reply)[-1]


async def two_events_open(bot: Harness) -> None:
    await bot.say(CREATE, user="admin")
    await bot.say(CREATE, user="admin")
    for user in ("alice", "bob"):
        for event_id in (1, 2):
            await bot.say(f"/event join {event_id}", user=user)
    await bot.advance(OPEN)


async def test_wrong_codes_lock_out_that_person_for_that_event(make_bot: MakeBot) -> None:
    bot = await events_bot(make_bot)
    await two_events_open(bot)
    for attempt in range(MAX_MISSES - 1):
        reply = await bot.say(f"/event checkin 1 {attempt:06d}x", user="alice")
        assert "wrong or has expired" in reply
    assert await bot.say("/event checkin 1 999999x", user="alice") == LOCKED_NOW
    # The right code is refused as well while locked, and no points are paid.
    reply = await bot.say(f"/event checkin 1 {await code(bot)}", user="alice")
    assert reply == (
        "alice, too many wrong codes: you cannot check in at this event for 15 more minute(s)."
    )
    await bot.advance(timedelta(minutes=10))
    reply = await bot.say(f"/event checkin 1 {await code(bot)}", user="alice")
    assert "for 5 more minute(s)" in reply
    assert await bot.balance("alice") == 0
    # Others, and the same person at another event, are not affected.
    assert "+10 points" in await bot.say(f"/event checkin 1 {await code(bot)}", user="bob")
    assert "+10 points" in await bot.say(f"/event checkin 2 {await code(bot, 2)}", user="alice")
    # Once the lockout is over, the right code is accepted.
    await bot.advance(timedelta(minutes=5))
    assert "+10 points" in await bot.say(f"/event checkin 1 {await code(bot)}", user="alice")
    assert await bot.balance("alice") == 20


async def test_misses_spread_over_time_do_not_lock(make_bot: MakeBot) -> None:
    bot = await events_bot(make_bot)
    await two_events_open(bot)
    for _ in range(3 * MAX_MISSES):
        assert "wrong or has expired" in await bot.say("/event checkin 1 nope", user="alice")
        await bot.advance(timedelta(minutes=4))  # at most four misses in any window
    assert "+10 points" in await bot.say(f"/event checkin 1 {await code(bot)}", user="alice")


async def test_the_lockout_is_counted_across_workers_and_survives_a_restart(
    make_bot: MakeBot,
) -> None:
    first = await events_bot(make_bot, database="shared.db")
    second = await events_bot(make_bot, database="shared.db", start=START + OPEN)
    await two_events_open(first)
    # Wrong codes at once, through both workers: every one is counted.
    guesses = [
        worker.say(f"/event checkin 1 {n:06d}x", user="alice")
        for n, worker in enumerate([first, second] * MAX_MISSES)
    ]
    before = len(first.sent), len(second.sent)
    await asyncio.gather(*guesses)
    replies = [s.text for s in first.sent[before[0] :] + second.sent[before[1] :]]
    assert len(replies) == 2 * MAX_MISSES
    assert sum("wrong or has expired" in r for r in replies) == MAX_MISSES - 1
    assert sum("too many wrong codes" in r for r in replies) == MAX_MISSES + 1
    await first.close()
    await second.close()
    # A restart (a new bot on the same database) does not lift the lockout.
    restarted = await events_bot(make_bot, database="shared.db", start=first.clock.now())
    right = await code(restarted)
    reply = await restarted.say(f"/event checkin 1 {right}", user="alice")
    assert "you cannot check in at this event for 15 more minute(s)" in reply
    await restarted.advance(timedelta(seconds=LOCKOUT))
    right = await code(restarted)
    assert "+10 points" in await restarted.say(f"/event checkin 1 {right}", user="alice")


async def test_the_lockout_message_is_translated(make_bot: MakeBot) -> None:
    bot = await events_bot(make_bot, locale="zh-CN")
    await two_events_open(bot)
    for _ in range(MAX_MISSES):
        reply = await bot.say("/event checkin 1 nope", user="alice")
    assert reply == "alice，签到码仍然错误，错误次数过多：15 分钟内你不能在此活动签到。"
    reply = await bot.say(f"/event checkin 1 {await code(bot)}", user="alice")
    assert reply == "alice，错误的签到码太多：还要等 15 分钟才能在此活动签到。"
