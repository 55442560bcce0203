"""Dispatch benchmark: in-memory commands/s, exactly-once sign-ins/s on SQLite, peak RSS.

    python bench/dispatch.py [--commands 50000] [--signins 20000] [--cores 1]

* commands/s: a command is parsed, routed, its handler runs and its reply is exported by the
  simulated platform (no network, no database).
* sign-ins/s: distinct members send ``/signin`` concurrently through the real ``signin``
  plugin; each sign-in is a keyed row plus a ledger posting, committed to SQLite (WAL).
  Afterwards every member is checked to have exactly one sign-in and one ledger row.
* peak RSS of the process, from the kernel.

By default the process is pinned to one core, the figure the targets are stated for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from shequn import Context, Plugin  # noqa: E402
from shequn.internal.models import LedgerEntry  # noqa: E402
from shequn.testing import Harness  # noqa: E402

echo = Plugin("benchecho", title="Bench echo")


@echo.command("echo")
async def _echo(ctx: Context, *, text: str = "") -> None:
    await ctx.reply(text)


async def bench_commands(count: int, workdir: Path) -> float:
    async with Harness([echo], workdir / "commands.db") as bot:
        platform = bot.platform
        users = [f"user{i}" for i in range(100)]
        events = [
            platform.message_event(users[i % 100], f"/echo hello {i}", "bench")
            for i in range(count)
        ]
        # Warm up: first sight of each user stores their display name.
        for user in users:
            await bot.say("/echo warm", user=user, group="bench")
        dispatch = bot.app.dispatch
        sent = platform.sent
        start = time.perf_counter()
        for event in events:
            await dispatch(event)
            if len(sent) > 10_000:
                sent.clear()
        elapsed = time.perf_counter() - start
        return count / elapsed


async def bench_signins(count: int, workdir: Path) -> tuple[float, int, int]:
    sys.path.insert(0, str(ROOT))
    from plugins.points import plugin as points
    from plugins.signin import plugin as signin

    async with Harness([signin, points], workdir / "signins.db") as bot:
        platform = bot.platform
        events = [platform.message_event(f"member{i}", "/signin", "bench") for i in range(count)]
        for i in range(count):  # names are stored on first sight; keep that out of the figure
            bot.app.identity._seen_names[f"test:member{i}"] = f"member{i}"
        # so is the group (app.groups): its first event records it, and the events arriving
        # meanwhile wait for that write; a group is new once per process
        await bot.app.dispatch(platform.message_event("member0", "hello", "bench"))
        start = time.perf_counter()
        await asyncio.gather(*(bot.app.dispatch(e) for e in events))
        elapsed = time.perf_counter() - start
        # Redeliver everything as new events: nothing more may be granted.
        again = [platform.message_event(f"member{i}", "/signin", "bench") for i in range(count)]
        await asyncio.gather(*(bot.app.dispatch(e) for e in again))
        table = LedgerEntry.__table__  # type: ignore[attr-defined]
        rows = await bot.app.db.read(
            lambda c: c.execute(select(func.count()).select_from(table)).scalar_one()
        )
        people = await bot.app.db.read(
            lambda c: c.execute(select(func.count(func.distinct(table.c.person)))).scalar_one()
        )
        return count / elapsed, int(rows), int(people)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=50_000)
    parser.add_argument("--signins", type=int, default=20_000)
    parser.add_argument(
        "--cores", type=int, default=1, help="pin to this many cores (0: no pinning)"
    )
    args = parser.parse_args()
    if args.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))
    import logging

    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        commands = asyncio.run(bench_commands(args.commands, workdir))
        signins, rows, people = asyncio.run(bench_signins(args.signins, workdir))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cores = args.cores or len(os.sched_getaffinity(0))
    print(f"cores: {cores}")
    print(f"commands/s (in-memory: parse + handler + reply): {commands:,.0f}  (target >= 20,000)")
    print(f"sign-ins/s (exactly-once, SQLite WAL):            {signins:,.0f}  (target >= 3,000)")
    print(
        f"  ledger rows after {args.signins:,} sign-ins + {args.signins:,} repeats: "
        f"{rows:,} ({people:,} members)"
    )
    print(f"peak RSS: {rss_mb:,.1f} MB")
    if rows != args.signins or people != args.signins:
        raise SystemExit("exactly-once check failed")


if __name__ == "__main__":
    main()
