"""Soak test: a mixed community load for a while; errors, latency and memory growth.

    python bench/soak.py [--minutes 10] [--rate 200] [--groups 20] [--members 40]

Every plugin in ``plugins/`` is loaded on a fresh SQLite file. One worker per group sends, in
turn, what members do: chat, sign-ins, balance checks, quiz rounds and answers, lotteries and
entries, red envelopes and grabs, quotes. Simulated time runs 48 minutes per second, so days
turn (new sign-ins), lotteries come due and unclaimed envelopes go back while it runs.

Printed each minute and at the end: events handled, errors (log records at ERROR and
"something went wrong" replies), latency percentiles of handling one event, and resident
memory. Memory growth is measured from the end of the first fifth of the run (when the bounded
caches are full: recent event keys expire after an hour of simulated time, 75 s here)
to the end. At the end the ledger is checked: every balance equals the sum of its postings.
Exit code 1 when there were errors or memory grew more than ``--max-growth`` percent.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shequn import Settings  # noqa: E402
from shequn.internal.runtime import find_plugins  # noqa: E402
from shequn.testing import Harness  # noqa: E402

FAILED_REPLY = "Something went wrong"
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """Resident memory now (not the peak), from the kernel."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()[:300]}")


SAMPLE = 50_000


@dataclass
class Stats:
    """Counts, and latencies as a uniform sample of fixed size, allocated up front so that
    measuring does not itself grow the memory being measured."""

    latencies: array[float] = field(default_factory=lambda: array("d", bytes(8 * SAMPLE)))
    handled: int = 0
    failed_replies: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def record(self, seconds: float) -> None:
        if self.handled < SAMPLE:
            self.latencies[self.handled] = seconds
        else:
            slot = self.rng.randrange(self.handled + 1)
            if slot < SAMPLE:
                self.latencies[slot] = seconds
        self.handled += 1

    def percentiles(self) -> str:
        sample = self.latencies[: min(self.handled, SAMPLE)]
        if len(sample) < 2:
            return "n/a"
        cuts = statistics.quantiles(sample, n=100)
        p50, p95, p99 = cuts[49], cuts[94], cuts[98]
        return f"p50 {p50 * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms"


def action(rng: random.Random, group: str, member: str, tick: int) -> tuple[str, str]:
    """(who, what) for the next event of ``group``."""
    roll = rng.random()
    if roll < 0.40:
        return member, f"chatting about topic {rng.randint(1, 50)} in {group}"
    if roll < 0.55:
        return member, "/signin"
    if roll < 0.62:
        return member, "/points"
    if roll < 0.70:
        return member, rng.choice(["A", "B", "1", "2", "Paris", "/quiz"])
    if roll < 0.72:
        return "admin", "/quiz start 3"
    if roll < 0.74:
        return "admin", f"/lottery create Prize{tick} winners=2 end=1m points=5"
    if roll < 0.82:
        return member, "/lottery join"
    if roll < 0.84:
        return member, f"/hongbao {rng.randint(8, 20)} 4 soak"
    if roll < 0.92:
        return member, "/grab"
    if roll < 0.94:
        return "admin", f"/grant @{member} 50 soak"
    if roll < 0.97:
        return member, "/quote random"
    return member, f"/quote search topic{rng.randint(1, 9)}"


async def group_worker(
    bot: Harness,
    group: str,
    members: list[str],
    interval: float,
    until: float,
    stats: Stats,
    seed: int,
) -> None:
    rng = random.Random(seed)
    platform = bot.platform
    tick = 0
    next_at = time.perf_counter()
    while time.perf_counter() < until:
        tick += 1
        who, text = action(rng, group, rng.choice(members), tick)
        event = platform.message_event(who, text, group)
        start = time.perf_counter()
        await bot.app.dispatch(event)
        stats.record(time.perf_counter() - start)
        next_at += interval
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            next_at = time.perf_counter()  # behind: do not try to catch up in a burst
            await asyncio.sleep(0)


async def clock_worker(bot: Harness, until: float, stats: Stats) -> None:
    """48 simulated minutes a second; due jobs run; sent messages are scanned and let go."""
    while time.perf_counter() < until:
        await asyncio.sleep(1.0)
        bot.clock.advance(timedelta(minutes=48))
        await bot.app.scheduler.run_due()
        sent = bot.platform.sent
        stats.failed_replies += sum(FAILED_REPLY in s.text for s in sent)
        sent.clear()
        bot.platform.actions.clear()


def ledger_balanced(db: Path) -> tuple[bool, int]:
    conn = sqlite3.connect(db)
    try:
        sums = dict(
            ((p, c), s)
            for p, c, s in conn.execute(
                "select person, community, sum(amount) from core_ledger group by 1, 2"
            )
        )
        balances = dict(
            ((p, c), b)
            for p, c, b in conn.execute("select person, community, balance from core_balance")
        )
        negative = sum(1 for b in balances.values() if b < 0)
    finally:
        conn.close()
    wanted = {k: v for k, v in sums.items() if v}
    return wanted == {k: v for k, v in balances.items() if v} and not negative, len(sums)


async def soak(args: argparse.Namespace, workdir: Path) -> int:
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.WARNING)
    plugins = [f.plugin for f in find_plugins(Settings(plugin_dirs=[str(ROOT / "plugins")]))]
    db = workdir / "soak.db"
    groups = [f"g{i}" for i in range(args.groups)]
    async with Harness(plugins, db, superusers=["test:admin"]) as bot:
        stats = Stats()
        duration = args.minutes * 60.0
        started = time.perf_counter()
        until = started + duration
        interval = args.groups / args.rate
        workers = [
            asyncio.create_task(
                group_worker(
                    bot,
                    group,
                    [f"m{i}_{group}" for i in range(args.members)],
                    interval,
                    until,
                    stats,
                    seed,
                )
            )
            for seed, group in enumerate(groups)
        ]
        workers.append(asyncio.create_task(clock_worker(bot, until, stats)))
        baseline: int | None = None
        minute = 0
        last_handled, last_time = 0, started
        while time.perf_counter() < until:
            await asyncio.sleep(min(5.0, max(0.0, until - time.perf_counter())))
            elapsed = time.perf_counter() - started
            if baseline is None and elapsed >= duration / 5:
                baseline = rss_bytes()
                print(f"baseline memory (after {elapsed:.0f} s): {baseline / 2**20:.1f} MiB")
            if elapsed >= (minute + 1) * 60 or time.perf_counter() >= until:
                minute += 1
                now = time.perf_counter()
                rate = (stats.handled - last_handled) / max(now - last_time, 1e-9)
                last_handled, last_time = stats.handled, now
                print(
                    f"[{elapsed / 60:4.1f} min] {stats.handled} events ({rate:.0f}/s), "
                    f"errors {errors.count + stats.failed_replies}, {stats.percentiles()}, "
                    f"RSS {rss_bytes() / 2**20:.1f} MiB",
                    flush=True,
                )
        await asyncio.gather(*workers)
        end = rss_bytes()
    balanced, accounts = ledger_balanced(db)
    base = baseline or end
    growth = (end - base) / base * 100
    total_errors = errors.count + stats.failed_replies
    print(f"events handled: {stats.handled} in {args.minutes:g} min")
    print(
        f"errors: {total_errors} (log records {errors.count}, "
        f"failed replies {stats.failed_replies})"
    )
    for line in errors.first:
        print(f"  {line}")
    print(f"latency of one event: {stats.percentiles()}")
    print(f"memory: {base / 2**20:.1f} MiB -> {end / 2**20:.1f} MiB ({growth:+.1f}%)")
    print(f"ledger: {accounts} accounts, balanced: {balanced}")
    ok = total_errors == 0 and growth <= args.max_growth and balanced
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="events a second, all groups")
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--members", type=int, default=40, help="members per group")
    parser.add_argument("--max-growth", type=float, default=10.0, help="percent")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raise SystemExit(asyncio.run(soak(args, Path(tmp))))


if __name__ == "__main__":
    main()
