"""Time for pacing: a clock and a sleep that tests can replace, and a sliding window.

Rate limits and outbound pacing wait in seconds, not in calendar time, so they read a
monotonic clock rather than :class:`~shequn.internal.clock.Clock`. The app holds one
:class:`Timer` (``app.timer``); a test swaps in a virtual one
(:class:`shequn.testing.VirtualTimer`) and a minute of pacing takes no time at all.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol


class Timer(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that only moves forward."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on that clock."""
        ...


class RealTimer:
    """The process's monotonic clock and ``asyncio.sleep``."""

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass
class Window:
    """At most ``limit`` acquisitions in any ``period`` seconds (a sliding window)."""

    limit: int
    period: float
    timer: Timer = field(default_factory=RealTimer)
    _times: deque[float] = field(default_factory=deque)

    def _expire(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.period:
            self._times.popleft()

    def wait_time(self) -> float:
        """Seconds until a slot is free (0 when one is free now)."""
        now = self.timer.monotonic()
        self._expire(now)
        if len(self._times) < self.limit:
            return 0.0
        return max(0.0, self._times[0] + self.period - now)

    def try_acquire(self) -> bool:
        """Take a slot if one is free now."""
        if self.wait_time() > 0:
            return False
        self._times.append(self.timer.monotonic())
        return True

    async def acquire(self) -> None:
        while not self.try_acquire():
            await self.timer.sleep(self.wait_time())

    @property
    def idle(self) -> bool:
        now = self.timer.monotonic()
        return not self._times or self._times[-1] <= now - self.period
