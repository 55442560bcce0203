"""What each running app knows without asking the database: the communities locked now and
the recent join and message times that reveal a surge. All in memory; the database holds the
truth across restarts (and the core's group registry the groups to tell)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from shequn import App

from .store import Lock

MAX_TRACKED = 100_000
"""Upper bound of remembered times per community and kind (a flood never grows memory)."""


@dataclass
class Watch:
    locks: dict[str, Lock] = field(default_factory=dict)
    joins: dict[str, deque[float]] = field(default_factory=dict)
    messages: dict[str, deque[float]] = field(default_factory=dict)
    last_post: dict[tuple[str, str], float] = field(default_factory=dict)
    """(community, person) -> when they last posted during a slow lockdown."""

    def surge(self, kind: str, community: str, now: float, limit: int, window: float) -> bool:
        """Count one more; True when ``limit`` happened within ``window`` seconds."""
        times = (self.joins if kind == "joins" else self.messages).setdefault(
            community, deque(maxlen=MAX_TRACKED)
        )
        times.append(now)
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) >= limit:
            times.clear()
            return True
        return False


_watches: WeakKeyDictionary[App, Watch] = WeakKeyDictionary()


def watch_of(app: App) -> Watch:
    found = _watches.get(app)
    if found is None:
        found = _watches[app] = Watch()
    return found
