"""A virtual monotonic clock for tests: sleeping moves it forward at once.

Each sleeper wakes at its own deadline, in deadline order: a sleep waits until every sleeper
due earlier has woken and the loop has had its turn, then the clock jumps to its deadline.
A minute of rate limits and outbound pacing then takes milliseconds of real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools


class VirtualTimer:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._ticking: asyncio.Task[None] | None = None
        self.paused = False
        """While paused the clock stands still and sleepers wait (arrivals that take real
        time, such as updates fetched over HTTP, all land at one virtual moment)."""

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by hand (for arrivals spread over time)."""
        self.now += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        self._start()
        await future

    def resume(self) -> None:
        self.paused = False
        self._start()

    def _start(self) -> None:
        if not self.paused and (self._ticking is None or self._ticking.done()):
            self._ticking = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        """Wake sleepers one by one once the loop has gone quiet (no ready work for a while
        of real time: handlers, database and HTTP calls finish first)."""
        while self._sleepers and not self.paused:
            for _ in range(3):
                await asyncio.sleep(0.002)
            deadline, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, deadline)
            if not future.done():
                future.set_result(None)
