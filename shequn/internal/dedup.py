"""Recognising redelivered events: a bounded, time-limited memory of event keys.

This stops the same platform update from being handled twice by one process. Effects that
must happen exactly once across processes and restarts (points, draws, kicks) are also keyed
in the database, so this is the fast first line, not the only one.
"""

from __future__ import annotations

from collections import OrderedDict


class RecentKeys:
    def __init__(self, capacity: int = 100_000, ttl: float = 3600.0) -> None:
        self._capacity = capacity
        self._ttl = ttl
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str, now: float) -> bool:
        """True the first time ``key`` is offered within ``ttl``; False for a repeat."""
        seen = self._seen.get(key)
        if seen is not None and now - seen < self._ttl:
            return False
        self._seen[key] = now
        self._seen.move_to_end(key)
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True
