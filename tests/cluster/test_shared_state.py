"""Two workers (harnesses) on one database with ``[cluster] shared = true``: an event is taken
on by one of them only, and command cooldowns and rate limits hold across both."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Context, Plugin
from shequn.internal.config import ClusterSettings
from shequn.internal.cooldowns import MemoryCooldowns
from shequn.internal.limits import _bucket_table
from shequn.internal.storage.dialect import take_token
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

probe = Plugin("probe", title="Probe")


@probe.command("slow", user_cooldown=60)
async def slow(ctx: Context) -> None:
    await ctx.reply("slow:ok")


@probe.command("echo")
async def echo(ctx: Context) -> None:
    await ctx.reply("echo:ok")


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


def test_sharing_is_on_by_default_for_postgresql_only() -> None:
    assert ClusterSettings().shared_on("postgresql")
    assert not ClusterSettings().shared_on("sqlite")
    assert not ClusterSettings(shared=False).shared_on("postgresql")
    assert ClusterSettings(shared=True).shared_on("sqlite")


# Refill rates far below the tests' duration: the counts do not depend on machine speed.
SLOW_USERS = {"limits": {"user_per_second": 0.001, "user_burst": 5}}
SLOW_GROUPS = {"limits": {"group_per_second": 1_000.0, "group_burst": 8}}


async def test_a_flooder_spread_over_workers_gets_one_rate(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot, **SHARED, **SLOW_USERS)
    answers = []
    for n in range(12):  # one person's flood, arriving at both workers in turn
        bot = first if n % 2 else second
        answers.append(await bot.say("/echo", user="flooder", event_id=fresh()))
    assert answers.count("echo:ok") == 5  # one burst in all, not one per worker
    assert first.app.limits.rejected + second.app.limits.rejected == 7
    for bot in (first, second):
        await bot.app.limits.settle()
    notices = [s for bot in (first, second) for s in bot.sent if "slow down" in s.text]
    assert 1 <= len(notices) <= 2  # at most one per worker within notice_seconds
    assert await first.say("/echo", user="bob", event_id=fresh()) == "echo:ok"


async def test_a_redelivered_event_is_charged_once(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot, **SHARED, **SLOW_USERS)
    for _ in range(5):
        event = first.message("/echo", user="carol", event_id=fresh())
        await asyncio.gather(first.deliver(event), second.deliver(event))
    # five events, each delivered to both workers: five tokens, the sixth event is refused
    assert await second.say("/echo", user="carol", event_id=fresh()) == ""
    assert second.app.limits.rejected == 1 and first.app.limits.rejected == 0


async def test_a_group_surge_on_many_workers_is_paced_not_dropped(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot, **SHARED, **SLOW_GROUPS)
    await asyncio.gather(
        *(
            (first if n % 2 else second).say("/echo", user=f"sock{n}", event_id=fresh())
            for n in range(20)
        )
    )
    assert sum(s.text == "echo:ok" for bot in (first, second) for s in bot.sent) == 20
    assert first.app.limits.rejected + second.app.limits.rejected == 0
    assert await first.say("/echo", user="dave", group="calm", event_id=fresh()) == "echo:ok"


async def test_token_bucket_refills_to_its_burst(make_bot: MakeBot) -> None:
    bot = await make_bot()

    async def take(now: float) -> bool:
        return await bot.app.db.write(
            lambda conn: take_token(conn, _bucket_table, "k", now, rate=1.0, burst=3)
        )

    assert [await take(100.0) for _ in range(4)] == [True, True, True, False]
    assert not await take(100.5)  # half a token
    assert await take(101.0) and not await take(101.0)
    assert [await take(1000.0) for _ in range(4)] == [True, True, True, False]  # capped at 3


async def test_concurrent_takes_never_exceed_the_bucket(make_bot: MakeBot) -> None:
    first, second = await two_workers(make_bot)

    async def take(bot: Harness) -> bool:
        return await bot.app.db.write(
            lambda conn: take_token(conn, _bucket_table, "hot", 50.0, rate=0.0001, burst=10)
        )

    taken = await asyncio.gather(*(take(first if n % 2 else second) for n in range(60)))
    assert sum(taken) == 10


async def test_switches_settings_and_communities_changed_at_one_worker_reach_the_other(
    make_bot: MakeBot,
) -> None:
    first, second = await two_workers(make_bot, **SHARED)
    group = "test:group"
    assert await second.app.state_sync.refresh() == []  # nothing changed yet
    await first.app.group_settings.set_enabled(signin_plugin, group, False)
    await first.app.group_settings.set_value(points_plugin, group, "leaderboard_size", "7")
    assert second.app.group_settings.is_enabled(signin_plugin, group)  # not yet refreshed
    assert await second.app.state_sync.refresh() == ["settings"]
    assert not second.app.group_settings.is_enabled(signin_plugin, group)
    assert second.app.group_settings.overrides(points_plugin, group) == {"leaderboard_size": 7}
    assert await second.say("/signin", event_id=fresh()) == ""

    club = await first.app.identity.create_community("Club")
    await first.app.identity.add_group(club, group)
    assert await second.app.state_sync.refresh() == ["identity"]
    assert second.app.identity.community_of(group) == club
    assert await second.app.state_sync.refresh() == []
