"""Recognising redelivered events: a bounded, time-limited memory of event keys.

:class:`RecentKeys` stops the same platform update from being handled twice by one process;
:class:`SharedKeys` (``[cluster] shared = true``) does it across workers on one database.
Effects that must happen exactly once across processes and restarts (points, draws, kicks)
are also keyed in the database, so these are the first line, not the only one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, delete

from shequn.internal.models import SeenEvent
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore

_event = SeenEvent.__table__  # type: ignore[attr-defined]
T = TypeVar("T")


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
        # Oldest first: drop the keys that expired, so memory follows the recent rate only.
        for _ in range(2):
            oldest = next(iter(self._seen.items()))
            if now - oldest[1] < self._ttl:
                break
            self._seen.popitem(last=False)
        return True


class SharedKeys:
    """Event keys recorded in the database (``core_event``), for several workers on one
    database: the platform may deliver an update to any of them, or to two.

    Each check is one insert-or-ignore through the group-commit writer, so under load many
    checks share one transaction. Keys older than ``ttl`` are purged now and then. What must
    happen only for the worker that takes the event on (charging the shared rate limits) runs
    in the same write, as ``then``.
    """

    def __init__(self, db: Database, ttl: float = 86_400.0, purge_every: float = 600.0) -> None:
        self._db = db
        self._ttl = ttl
        self._purge_every = purge_every
        self._purged_at: float | None = None

    async def first_time(
        self, key: str, now: float, then: Callable[[Connection], T] | None = None
    ) -> tuple[bool, T | None]:
        """(True, what ``then`` returned) for the one worker that records ``key`` first;
        (False, None) for every other."""
        row = {"key": key[:400], "seen_at": now}

        def record(conn: Connection) -> tuple[bool, T | None]:
            if not insert_ignore(conn, _event, row, ("key",)):
                return False, None
            return True, (then(conn) if then is not None else None)

        outcome = await self._db.write(record, "dedup")
        if self._purged_at is None or now - self._purged_at >= self._purge_every:
            self._purged_at = now
            await self._db.write(lambda conn: _purge(conn, now - self._ttl), "dedup-purge")
        return outcome


def _purge(conn: Connection, before: float) -> int:
    return conn.execute(delete(_event).where(_event.c.seen_at < before)).rowcount
