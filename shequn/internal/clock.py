"""An injectable clock, so schedules, streaks and cooldowns are testable without waiting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """Wall-clock time plus an offset that tests and the console's ``:clock`` move forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta() if start is None else start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta():
            raise ValueError("time only moves forward")
        self._offset += delta
        return self.now()

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.advance(max(moment - self.now(), timedelta()))


_DELTA = re.compile(r"^\+(\d+(?:\.\d+)?)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_delta(text: str) -> timedelta | None:
    """``+90s``, ``+2h``, ``+1d``, ``+1w`` -> timedelta; anything else -> None."""
    match = _DELTA.match(text.strip())
    if match is None:
        return None
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def parse_duration(text: str) -> timedelta | None:
    """``90s``, ``10m``, ``2h``, ``1d`` (no plus sign) -> timedelta."""
    return parse_delta("+" + text.strip().lstrip("+"))
