"""A surge: 1,000 members of one group sign in within 5 seconds, on three platforms.

    python bench/surge.py [--members 1000] [--seconds 5]

Nothing may be lost: for each platform the script reads the ledger (every member paid
once), counts the sign-in records and the messages the bot sent, checks that every member
is named in some answer, and gives the time from the first arrival until the last member
was answered.

(a) console: the test harness's simulated platform (no outbound pace of its own), events
    submitted straight to the app;
(b) QQ: the real app and QQ adapter on its web server, a fake OneBot v11 implementation
    over a real local WebSocket (the tests' fake), default ``[qq]`` pace;
(c) Telegram: the real app and Telegram adapter polling the tests' fake Bot API over HTTP,
    Telegram's pace (20 messages a minute in a group).

Arrivals are spread over ``--seconds`` of real time and handled in real time. The app's
pacing timer (``app.timer``, which the group's intake bucket and the outbound pace wait on)
follows the real clock while there is work to do; once every sign-in is recorded only the
pace's waits are left, and the timer skips them (fast-forward), so the minutes Telegram's
20 messages a minute take cost no real time. "last answered" is on that timer: real
seconds plus the skipped waits.
"""

import argparse
import asyncio
import contextlib
import heapq
import itertools
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import col, func, select  # noqa: E402

from plugins.points import plugin as points_plugin  # noqa: E402
from plugins.signin import plugin as signin_plugin  # noqa: E402
from plugins.signin.models import SigninRecord  # noqa: E402
from shequn import App, Message, Scene, Settings  # noqa: E402
from shequn.internal.models import LedgerEntry  # noqa: E402
from shequn.testing import Harness  # noqa: E402

Deliver = Callable[[Scene, Message], Awaitable[str]]


@dataclass
class Result:
    platform: str
    recorded: int
    paid: int
    paid_once: bool
    messages: int
    named: int
    last_answer: float
    """Virtual seconds from the first arrival to the last answer."""
    real: float
    dropped: int


class FastForwardTimer:
    """Real time while the app works; with :meth:`skip` on, waits end at once (the clock
    jumps to each sleeper's deadline when the loop has gone quiet)."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.skipping = False
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._changed = asyncio.Event()
        self._driver: asyncio.Task[None] | None = None

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.monotonic() + seconds, next(self._order), future))
        self._changed.set()
        if self._driver is None or self._driver.done():
            self._driver = asyncio.create_task(self._drive())
        await future

    def skip(self) -> None:
        self.skipping = True
        self._changed.set()

    async def _drive(self) -> None:
        while self._sleepers:
            deadline, _, future = self._sleepers[0]
            wait = deadline - self.monotonic()
            if wait > 0 and self.skipping:
                for _ in range(3):  # let ready work run first
                    await asyncio.sleep(0.002)
                if self._sleepers[0][2] is not future:
                    continue
                self.offset += max(0.0, deadline - self.monotonic())
            elif wait > 0:
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), wait)
                continue
            heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)


class Stopwatch:
    """Wraps an adapter's ``send`` to note the virtual time of each message."""

    def __init__(self, timer: FastForwardTimer, deliver: Deliver) -> None:
        self.timer = timer
        self.deliver = deliver
        self.times: list[float] = []

    async def __call__(self, scene: Scene, message: Message) -> str:
        self.times.append(self.timer.monotonic())
        return await self.deliver(scene, message)


def clocked(app: App, platform: str) -> tuple[FastForwardTimer, Stopwatch]:
    app.timer = timer = FastForwardTimer()
    adapter = app.adapters[platform]
    watch = Stopwatch(timer, adapter.send)
    adapter.send = watch  # type: ignore[method-assign]
    return timer, watch


async def ledger(app: App) -> tuple[int, int, bool]:
    """Sign-in records, ledger rows, and whether each person was paid exactly once."""
    async with app.db.session() as session:
        records = (await session.exec(select(func.count()).select_from(SigninRecord))).one()
        person = col(LedgerEntry.person)
        counts = select(person, func.count()).group_by(person)
        rows = [int(c) for _, c in (await session.exec(counts)).all()]
    return int(records), sum(rows), all(c == 1 for c in rows)


async def wait_recorded(app: App, members: int, seconds: float = 90.0) -> None:
    async with asyncio.timeout(seconds):
        while (await ledger(app))[1] < members:  # noqa: ASYNC110 - polls the database
            await asyncio.sleep(0.05)


async def settle(app: App) -> None:
    await app.intake.drain()
    await app.limits.settle()
    await app.outbound.drain()


async def arrival(start: float, n: int, gap: float) -> None:
    """Wait for the moment event ``n + 1`` arrives: arrivals evenly spread from ``start``."""
    await asyncio.sleep(max(0.0, start + (n + 1) * gap - time.monotonic()))


def named(texts: list[str], names: list[str]) -> int:
    joined = "\n".join(texts)
    return sum(f"{name} signed in" in joined for name in names)


async def result(
    platform: str,
    app: App,
    watch: Stopwatch,
    texts: list[str],
    names: list[str],
    began: float,
    start: float,
) -> Result:
    recorded, paid, once = await ledger(app)
    return Result(
        platform,
        recorded,
        paid,
        once,
        len(texts),
        named(texts, names),
        max(watch.times, default=start) - start,
        time.perf_counter() - began,
        sum(app.limits.dropped.values()) + app.intake.dropped,
    )


# -- (a) console ---------------------------------------------------------------------------


async def console(members: int, seconds: float, folder: Path) -> Result:
    began = time.perf_counter()
    bot = Harness([signin_plugin, points_plugin], folder / "console.db", locale="en")
    await bot.start()
    try:
        timer, watch = clocked(bot.app, bot.platform.platform)
        names = [f"m{n}" for n in range(members)]
        start = timer.monotonic()
        for n, name in enumerate(names):
            bot.app.submit(bot.message("/signin", user=name, group="busy"))
            await arrival(start, n, seconds / members)
        await wait_recorded(bot.app, members)
        timer.skip()
        await settle(bot.app)
        texts = [s.text for s in bot.sent if s.scene.id == "busy"]
        return await result("console", bot.app, watch, texts, names, began, start)
    finally:
        await bot.close()


# -- (b) QQ over OneBot v11 ----------------------------------------------------------------


def qq_text(action: Any) -> str:
    from tests.adapters.qq.fake import text_of

    if action.name != "send_group_forward_msg":
        return text_of(action)
    return "\n".join(
        s["data"].get("text", "")
        for node in action.params["messages"]
        for s in node["data"]["content"]
        if s["type"] == "text"
    )


async def qq(members: int, seconds: float, folder: Path) -> Result:
    from tests.adapters.qq.conftest import TOKEN, running_bot
    from tests.adapters.qq.fake import v11_group_message

    began = time.perf_counter()
    async with running_bot(folder / "qq", "qq", {"access_token": TOKEN}) as bot:
        timer, watch = clocked(bot.app, "qq")
        fake = await bot.client("10001")
        start = timer.monotonic()
        names = [f"Member{n:04d}" for n in range(members)]
        for n, name in enumerate(names):
            frame = v11_group_message("10001", 777, 100_000 + n, "/signin", message_id=n, name=name)
            await fake.send(frame)
            await arrival(start, n, seconds / members)
        await wait_recorded(bot.app, members)
        timer.skip()
        await settle(bot.app)
        sends = [a for a in fake.actions if a.name in ("send_group_msg", "send_group_forward_msg")]
        return await result("qq", bot.app, watch, [qq_text(a) for a in sends], names, began, start)


# -- (c) Telegram over the Bot API ---------------------------------------------------------


async def telegram(members: int, seconds: float, folder: Path) -> Result:
    import adapters.telegram
    from adapters.telegram.pacing import Pacer
    from tests.adapters.telegram.fake_bot_api import TOKEN, FakeBotAPI, person, supergroup

    began = time.perf_counter()
    api = await FakeBotAPI().start()
    settings = Settings(
        database={"url": f"sqlite+aiosqlite:///{folder / 'telegram.db'}"},
        locale="en",
        web={"host": "127.0.0.1", "port": 0},
        telegram={"token": TOKEN, "api_base": api.base, "poll_timeout": 1},
    )
    app = App(settings)
    app.load_plugins([signin_plugin, points_plugin])
    adapter = adapters.telegram.create(app)
    app.add_adapter(adapter)
    await app.start()
    app.start_web()
    task = asyncio.create_task(adapter.run())
    try:
        await asyncio.wait_for(adapter.ready.wait(), 15)  # type: ignore[attr-defined]
        timer, watch = clocked(app, "telegram")
        adapter.pacer = Pacer(timer=timer)  # type: ignore[attr-defined]
        adapter.pace = adapter.pacer.pace  # type: ignore[attr-defined]
        start = timer.monotonic()
        group = supergroup(-100777, "Double points")
        names = [f"Member{n:04d}" for n in range(members)]
        for n, name in enumerate(names):
            await api.push(message=api.message("/signin", user=person(5000 + n, name), chat=group))
            await arrival(start, n, seconds / members)
        await wait_recorded(app, members)
        timer.skip()
        await adapter.drain()  # type: ignore[attr-defined]
        await settle(app)
        texts = [str(c["text"]) for c in api.calls_of("sendMessage")]
        return await result("telegram", app, watch, texts, names, began, start)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await app.stop()
        await api.close()


def report(r: Result, members: int) -> None:
    whole = r.recorded == r.paid == r.named == members and r.paid_once and not r.dropped
    print(
        f"{r.platform:9} recorded {r.recorded:>5,}  paid {r.paid:>5,} (each once: {r.paid_once})"
        f"  named {r.named:>5,}  dropped {r.dropped}  messages sent {r.messages:>5,}"
        f"  last answered at {r.last_answer:7.1f} s  ({r.real:5.1f} s real run)"
        f"  {'OK' if whole else 'LOST SOME'}"
    )


async def run(members: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "qq").mkdir()
        print(f"{members:,} sign-ins in one group within {seconds:g} s (real time)")
        print("last answered: seconds from the first arrival on the pacing timer (real, plus")
        print("the pace's waits skipped once every sign-in was recorded)")
        for bench in (console, qq, telegram):
            report(await bench(members, seconds, folder), members)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    options = parser.parse_args()
    asyncio.run(run(options.members, options.seconds))


if __name__ == "__main__":
    main()
