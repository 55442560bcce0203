"""Offered loads: latency and throughput at a fixed arrival rate, and paced sign-ins.

    python bench/load.py dispatch [--rates 1000,5000,10000] [--seconds 5]
    python bench/load.py signin [--rate 1000] [--seconds 10]

``dispatch``: the fake OneBot implementation of ``bench/onebot.py`` sends ``/ping N`` frames
at a fixed rate (not as fast as possible) over a real local WebSocket, to plain nonebot2 and
to Shequn's QQ adapter in turn (a fresh server for each rate), in the same run; latency is
from sending frame ``N`` to receiving the server's ``send_group_msg`` carrying ``pong N``.
Offered more than it can take, a server queues: its throughput flattens and its latency
grows; answers not in within 20 s of the last frame count as unanswered.

``signin``: distinct members send ``/signin`` at a fixed rate through the real ``signin``
and ``points`` plugins on SQLite (WAL, group commit); each event is handed to the app as a
platform adapter does and timed until its reply is sent. Afterwards every member is checked
to have exactly one ledger row.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import onebot  # noqa: E402  (bench/onebot.py, next to this file)
from sqlalchemy import func, select  # noqa: E402

from shequn.internal.models import LedgerEntry  # noqa: E402
from shequn.internal.runtime import settle_heap  # noqa: E402
from shequn.testing import Harness  # noqa: E402

DRAIN_SECONDS = 20.0
"""After the last frame is sent, answers are awaited this long; later ones count as lost."""


@dataclass
class Figures:
    offered: float
    sent: int
    answered: int
    throughput: float
    p50_ms: float
    p99_ms: float

    def line(self, label: str) -> str:
        lost = f", {self.sent - self.answered:,} unanswered" if self.answered < self.sent else ""
        return (
            f"{label:<8} offered {self.offered:>7,.0f}/s  answered {self.throughput:>7,.0f}/s  "
            f"p50 {self.p50_ms:>8.1f} ms  p99 {self.p99_ms:>8.1f} ms{lost}"
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def text_of(message: Any) -> str:
    """A OneBot v11 message's text: a string, or a list of segments."""
    if isinstance(message, str):
        return message
    return "".join(
        str(s.get("data", {}).get("text", "")) for s in message if s.get("type") == "text"
    )


async def paced(count: int, rate: float, send: Any) -> None:
    """Call ``send(n)`` for n in range(count) at ``rate`` per second (bursts of 1 ms)."""
    start = time.perf_counter()
    n = 0
    while n < count:
        due = min(count, int((time.perf_counter() - start) * rate) + 1)
        while n < due:
            await send(n)
            n += 1
        await asyncio.sleep(0.001)


async def offered_load(port: int, rate: float, seconds: float, groups: int, users: int) -> Figures:
    ws = await onebot.connect(port)
    count = int(rate * seconds)
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()
    last = 0.0

    async def read() -> None:
        nonlocal last
        async for raw in ws:
            action = json.loads(raw)
            name = action.get("action")
            data: Any = None
            if name == "send_group_msg":
                now = time.perf_counter()
                number = int(text_of(action["params"]["message"]).rpartition(" ")[2])
                latencies.append(now - sent_at[number])
                last = now
                data = {"message_id": len(latencies)}
            elif name == "get_group_list":
                data = []
            reply = {"status": "ok", "retcode": 0, "data": data, "echo": action.get("echo")}
            await ws.send(json.dumps(reply))
            if len(latencies) >= count:
                done.set()

    async def send(n: int) -> None:
        sent_at[n] = time.perf_counter()
        await ws.send(onebot.frame(n, groups, users))

    reader = asyncio.create_task(read())
    start = time.perf_counter()
    await paced(count, rate, send)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), DRAIN_SECONDS)
    reader.cancel()
    await ws.close()
    elapsed = (last or time.perf_counter()) - start
    ms = [x * 1000 for x in latencies]
    return Figures(
        rate,
        count,
        len(latencies),
        len(latencies) / elapsed,
        percentile(ms, 0.5),
        percentile(ms, 0.99),
    )


def run_dispatch(rates: list[float], seconds: float, groups: int, users: int) -> None:
    results: dict[tuple[str, float], Figures] = {}
    onebot._pin(1)
    for rate in rates:
        for kind in ("nonebot", "shequn"):
            with onebot.server(kind, quiet=True) as port:  # a fresh server: no backlog
                figures = asyncio.run(offered_load(port, rate, seconds, groups, users))
            results[(kind, rate)] = figures
            print(figures.line(kind), flush=True)
    print()
    print("rate      nonebot2 answered/s  Shequn answered/s  ratio   Shequn p50/p99 vs nonebot2")
    for rate in rates:
        plain, ours = results[("nonebot", rate)], results[("shequn", rate)]
        print(
            f"{rate:>7,.0f}/s {plain.throughput:>12,.0f} {ours.throughput:>18,.0f} "
            f"{ours.throughput / plain.throughput:>8.2f}x  "
            f"{ours.p50_ms:.1f}/{ours.p99_ms:.1f} ms vs {plain.p50_ms:.1f}/{plain.p99_ms:.1f} ms"
        )


async def paced_signins(bot: Harness, users: list[str], group: str, rate: float) -> Figures:
    """``users`` sign in at ``rate`` per second in ``group``, each event timed from its
    arrival to its reply. Their names are treated as known (stored on first sight only).

    Each event is built when it arrives and its task is let go when done, as an adapter
    does, and the start-up heap is settled as ``bot.py`` settles it."""
    app, platform = bot.app, bot.platform
    for user in users:
        app.identity._seen_names[f"{platform.platform}:{user}"] = user
    latencies: list[float] = []
    running: set[asyncio.Task[None]] = set()
    dispatch = app.dispatcher.dispatch

    async def timed(user: str, arrived: float) -> None:
        await dispatch(platform.message_event(user, "/signin", group))
        latencies.append(time.perf_counter() - arrived)

    async def send(n: int) -> None:
        task = asyncio.create_task(timed(users[n], time.perf_counter()))
        running.add(task)
        task.add_done_callback(running.discard)

    settle_heap()
    start = time.perf_counter()
    await paced(len(users), rate, send)
    while running:
        await asyncio.gather(*running)
    elapsed = time.perf_counter() - start
    ms = [x * 1000 for x in latencies]
    return Figures(
        rate, len(users), len(ms), len(ms) / elapsed, statistics.median(ms), percentile(ms, 0.99)
    )


async def signin_members(bot: Harness) -> int:
    """Members with a sign-in ledger row."""
    table = LedgerEntry.__table__  # type: ignore[attr-defined]
    query = select(func.count(func.distinct(table.c.person))).where(table.c.plugin == "signin")
    return int(await bot.app.db.read(lambda c: c.execute(query).scalar_one()))


async def signin_load(rate: float, seconds: float, workdir: Path) -> tuple[Figures, int]:
    from plugins.points import plugin as points
    from plugins.signin import plugin as signin

    count = int(rate * seconds)
    async with Harness([signin, points], workdir / "signins.db", group="bench") as bot:
        figures = await paced_signins(bot, [f"member{i}" for i in range(count)], "bench", rate)
        return figures, await signin_members(bot)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    dispatch = sub.add_parser("dispatch", help="offered loads, Shequn vs plain nonebot2")
    dispatch.add_argument("--rates", default="1000,5000,10000")
    dispatch.add_argument("--seconds", type=float, default=3.0)
    dispatch.add_argument("--groups", type=int, default=50)
    dispatch.add_argument("--users", type=int, default=200)
    signin = sub.add_parser("signin", help="paced sign-ins on SQLite")
    signin.add_argument("--rate", type=float, default=1000.0)
    signin.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"load average: {os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}", flush=True)
    if options.what == "dispatch":
        rates = [float(r) for r in options.rates.split(",") if r]
        run_dispatch(rates, options.seconds, options.groups, options.users)
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory() as tmp:
        figures, people = asyncio.run(signin_load(options.rate, options.seconds, Path(tmp)))
    print(figures.line("sign-in") + "  (target: p99 < 20 ms at 1,000/s, SQLite, one core)")
    print(f"  members with a sign-in ledger row: {people:,} of {figures.sent:,}")
    if people != figures.sent:
        raise SystemExit("exactly-once check failed")


if __name__ == "__main__":
    main()
