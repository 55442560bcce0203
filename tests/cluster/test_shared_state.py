"""Two workers (harnesses) on one database with ``[cluster] shared = true``: an event is taken
on by one of them only, and command cooldowns hold across both."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Context, Plugin
from shequn.internal.cooldowns import MemoryCooldowns
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

probe = Plugin("probe", title="Probe")


@probe.command("slow", user_cooldown=60)
async def slow(ctx: Context) -> None:
    await ctx.reply("slow:ok")


@probe.command("both", user_cooldown=60, group_cooldown=10)
async def both(ctx: Context) -> None:
    await ctx.reply("both:ok")


SHARED = {"cluster": {"shared": True}}
ids = itertools.count(1)


def fresh() -> str:
    """Harnesses number their events from 1 each; real platforms number them globally."""
    return f"e{next(ids)}"


async def two_workers(make_bot: MakeBot, **settings: object) -> tuple[Harness, Harness]:
    plugins = (points_plugin, signin_plugin, probe)
    first = await make_bot(*plugins, database="cluster.db", **settings)
    second = await make_bot(*plugins, database="cluster.db", **settings)
    return first, second


async def test_each_event_taken_on_by_one_worker(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot, **SHARED)
    users = [f"user{n}" for n in range(20)]
    events = [first.message("/signin", user=u, event_id=fresh()) for u in users]
    answers = await asyncio.gather(
        *(bot.deliver(e) for e in events for bot in (first, second)),
        *(bot.deliver(e) for e in events for bot in (second, first)),
    )
    assert sum(1 for a in answers if a) == len(users)
    for user in users:
        assert await first.balance(user) == await second.balance(user) > 0


async def test_without_sharing_both_workers_answer_but_reward_once(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot)
    event = first.message("/signin", user="carol", event_id=fresh())
    one, two = await asyncio.gather(first.deliver(event), second.deliver(event))
    assert one and two
    points = await first.balance("carol")
    assert points > 0
    assert "already" in "".join(one + two)


async def test_cooldown_shared_across_workers(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot, **SHARED)
    assert await first.say("/slow", event_id=fresh()) == "slow:ok"
    assert "try again in 60s" in await second.say("/slow", event_id=fresh())
    assert await second.say("/slow", user="bob", event_id=fresh()) == "slow:ok"
    for bot in (first, second):
        await bot.advance(timedelta(seconds=61))
    raced = await asyncio.gather(
        first.say("/slow", event_id=fresh()), second.say("/slow", event_id=fresh())
    )
    assert sorted(raced)[1] == "slow:ok"
    assert "try again" in sorted(raced)[0]


async def test_refused_claim_takes_no_key(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot, **SHARED)
    assert await first.say("/both", event_id=fresh()) == "both:ok"
    # bob is refused by the group's cooldown; his own cooldown must not start
    assert "try again in 10s" in await second.say("/both", user="bob", event_id=fresh())
    for bot in (first, second):
        await bot.advance(timedelta(seconds=11))
    assert await second.say("/both", user="bob", event_id=fresh()) == "both:ok"
    assert "try again in 49s" in await first.say("/both", group="other", event_id=fresh())


async def test_memory_cooldowns_stay_bounded() -> None:
    store = MemoryCooldowns(capacity=100)
    for n in range(1000):
        assert await store.claim([(f"u{n}", 60.0)], now=float(n) / 1000) == 0.0
    assert len(store) <= 100
    assert await store.claim([("u999", 60.0)], now=1.0) > 0  # the newest are kept
