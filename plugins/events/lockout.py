"""Check-in lockout: after :data:`MAX_MISSES` wrong codes within :data:`WINDOW` seconds,
a person may not check in at that event for :data:`LOCKOUT` seconds, the right code
included. A code has a million values and changes every minute; without a bound, one
member could try codes from a script until one is accepted without being there.

State lives in ``events_checkin_miss`` and changes only by one conditional ``UPDATE``, so
several workers count the same misses and a restart does not lift a lockout.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, and_, case, select, update

from shequn.storage import insert_ignore

from .models import CheckinMiss

_miss = CheckinMiss.__table__  # type: ignore[attr-defined]

MAX_MISSES = 5
"""Wrong codes allowed in a window: enough for typos, far too few to guess (5 in 10^6)."""
WINDOW = 15 * 60.0
"""Misses older than this are forgotten."""
LOCKOUT = 15 * 60.0
"""How long check-in stays locked after the last allowed miss."""


def _key(event_id: int, person: str) -> ColumnElement[bool]:
    return and_(_miss.c.event_id == event_id, _miss.c.person == person)


def locked_for(conn: Connection, event_id: int, person: str, now: float) -> float:
    """Seconds left on ``person``'s lockout for the event (0: not locked)."""
    until = conn.execute(select(_miss.c.locked_until).where(_key(event_id, person))).scalar()
    return max(0.0, float(until) - now) if until is not None else 0.0


def record_miss(conn: Connection, event_id: int, person: str, now: float) -> float:
    """Count one wrong code; the seconds of lockout in force after it (0: not locked).

    One conditional ``UPDATE`` reads and writes the count, so concurrent misses are all
    counted, and misses while locked are not. The miss that locks resets the count and
    starts the next window when the lockout ends."""
    first = {"misses": 0, "window_start": now, "locked_until": 0.0}
    insert_ignore(conn, _miss, {"event_id": event_id, "person": person, **first},
                  ["event_id", "person"])  # fmt: skip
    fresh = _miss.c.window_start < now - WINDOW
    counted = case((fresh, 1), else_=_miss.c.misses + 1)
    locks = counted >= MAX_MISSES
    ends = now + LOCKOUT
    conn.execute(
        update(_miss)
        .where(_key(event_id, person), _miss.c.locked_until <= now)
        .values(
            misses=case((locks, 0), else_=counted),
            window_start=case((locks, ends), (fresh, now), else_=_miss.c.window_start),
            locked_until=case((locks, ends), else_=_miss.c.locked_until),
        )
    )
    return locked_for(conn, event_id, person, now)
