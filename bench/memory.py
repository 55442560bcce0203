"""Memory with 10k groups and 1M known members: RSS of a running app after its caches filled.

    python bench/memory.py [--members 1000000] [--groups 10000] [--events 200000]

A SQLite database gets 1M members (profile and balance each), 10k groups with a plugin
switch and a config override each, grouped into communities of 10, and 100k linked
accounts (the identity map the app keeps in memory). The app starts on it with the points
and signin plugins and a cheap command with a per-user cooldown; then ``--events`` messages
from random members in random groups fill the caches: display names (LRU), each group's
resolved settings, one cooldown per member, redelivery keys. RSS is read from the kernel.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bulk  # noqa: E402  (bench/bulk.py)

from plugins.points import plugin as points  # noqa: E402
from plugins.signin import plugin as signin  # noqa: E402
from shequn import Context, Plugin  # noqa: E402
from shequn.internal.cooldowns import MemoryCooldowns  # noqa: E402
from shequn.testing import Harness  # noqa: E402

probe = Plugin("benchprobe", title="Bench probe")


@probe.command("probe", user_cooldown=3600)
async def _probe(ctx: Context) -> None:
    ctx.app.group_settings.config(signin, ctx.group_key)  # a group's resolved settings
    await ctx.reply("ok")


CONCURRENT = 500
"""Events dispatched together (their first-sight name writes share a commit)."""


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def group(n: int) -> str:
    return f"g{n:05d}"


def fill(url: str, members: int, groups: int) -> None:
    loader = bulk.Loader(url)
    bulk.timed(
        "profiles",
        lambda: loader.load("core_profile", ("key", "name", "updated_at"), bulk.profiles(members)),
    )
    bulk.timed(
        "balances",
        lambda: loader.load(
            "core_balance", ("person", "community", "balance"), bulk.balances(members, "c0")
        ),
    )
    communities = max(1, groups // 10)
    bulk.timed(
        "communities",
        lambda: loader.load(
            "core_community",
            ("key", "name", "created_at"),
            iter([(f"c{n}", f"Community {n}", 0.0) for n in range(communities)]),
        ),
    )
    bulk.timed(
        "community groups",
        lambda: loader.load(
            "core_community_group",
            ("group_key", "community"),
            iter([(f"test:{group(n)}", f"c{n % communities}") for n in range(groups)]),
        ),
    )
    bulk.timed(
        "plugin switches",
        lambda: loader.load(
            "core_plugin_switch",
            ("group_key", "plugin", "enabled"),
            iter([(f"test:{group(n)}", "points", True) for n in range(groups)]),
        ),
    )
    bulk.timed(
        "group settings",
        lambda: loader.load(
            "core_group_setting",
            ("group_key", "plugin", "data"),
            iter([(f"test:{group(n)}", "signin", '{"points": 7}') for n in range(groups)]),
        ),
    )
    linked = min(members, 100_000)
    bulk.timed(
        "linked accounts",
        lambda: loader.load(
            "core_account",
            ("key", "person", "linked_at"),
            iter([(f"tg:{n}", bulk.member(n), 0.0) for n in range(linked)]),
        ),
    )


async def run(url: str, members: int, groups: int, events: int) -> None:
    started = time.perf_counter()
    async with Harness([points, signin, probe], url) as bot:
        gc.collect()
        print(
            f"RSS after start-up:           {rss_mb():7.1f} MB "
            f"(started in {time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        rng = random.Random(7)
        platform, dispatch = bot.platform, bot.app.dispatch
        start = time.perf_counter()
        for first in range(0, events, CONCURRENT):  # concurrent, as from many groups
            batch = []
            for n in range(first, min(events, first + CONCURRENT)):
                user = f"m{rng.randrange(members):07d}"
                batch.append(platform.message_event(user, "/probe", group(n % groups)))
            await asyncio.gather(*(dispatch(e) for e in batch))
            platform.sent.clear()
        elapsed = time.perf_counter() - start
        gc.collect()
        identity = bot.app.identity
        cooldowns = bot.app.dispatcher.cooldowns
        remembered = len(cooldowns) if isinstance(cooldowns, MemoryCooldowns) else "?"
        print(f"RSS after {events:,} events:   {rss_mb():7.1f} MB  (target < 300 MB)")
        print(
            f"  ({events / elapsed:,.0f} events/s; names cached {len(identity._seen_names):,}, "
            f"cooldowns {remembered}, "
            f"groups {groups:,}, members {members:,})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process:      {peak:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not options.measure:
        print(f"load average: {os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}", flush=True)
    if options.measure:
        asyncio.run(run(options.measure, options.members, options.groups, options.events))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'memory.db'}"

        async def migrate() -> None:
            async with Harness([points, signin, probe], url):
                pass

        asyncio.run(migrate())
        fill(url, options.members, options.groups)
        # measured in a fresh process: the bulk load's freed memory must not count
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--measure", url], check=True)


if __name__ == "__main__":
    main()
