"""Sign-ups, attendance, no-shows and repeat attendees, per event and per community, and
the same as CSV (for ``/event export`` and ``shequn events export``)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import Connection

from .models import EventRow
from .store import in_community, signups


@dataclass(frozen=True, slots=True)
class EventStats:
    event: EventRow
    signups: int
    """Everyone who ever signed up (including later cancellations)."""
    going: int
    waiting: int
    cancelled: int
    attended: int
    no_shows: int
    """Members going who did not check in, counted once check-in has closed."""

    @property
    def rate(self) -> float:
        """Attendance: attended / going (0 when nobody was going)."""
        return self.attended / self.going if self.going else 0.0


@dataclass(frozen=True, slots=True)
class CommunityStats:
    events: list[EventStats]
    attendees: int
    repeat_attendees: int
    """People who checked in at two or more events."""

    @property
    def rate(self) -> float:
        going = sum(e.going for e in self.events)
        return sum(e.attended for e in self.events) / going if going else 0.0


def event_stats(conn: Connection, event: EventRow) -> EventStats:
    rows = signups(conn, event.id or 0)
    count = Counter(r.status for r in rows)
    attended = sum(1 for r in rows if r.status == "going" and r.attended_at)
    no_shows = count["going"] - attended if event.state == "closed" else 0
    return EventStats(
        event, len(rows), count["going"], count["waiting"], count["cancelled"], attended, no_shows
    )


def community_stats(conn: Connection, community: str) -> CommunityStats:
    found = [event_stats(conn, e) for e in in_community(conn, community)]
    visits: Counter[str] = Counter()
    for event in in_community(conn, community):
        visits.update(r.person for r in signups(conn, event.id or 0) if r.attended_at)
    return CommunityStats(found, len(visits), sum(1 for n in visits.values() if n >= 2))


COLUMNS = [
    "id", "title", "starts_at", "state", "capacity", "signups", "going", "waiting",
    "cancelled", "attended", "no_shows", "attendance_rate",
]  # fmt: skip


def safe_cell(text: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(stats: list[EventStats], timezone_of: Callable[[str], tzinfo]) -> str:
    """One row per event; ``starts_at`` is ISO 8601 with the offset of the event's group's
    timezone (``timezone_of(group_key)``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in stats:
        zone = timezone_of(s.event.group_key)
        starts = datetime.fromtimestamp(s.event.starts_at, zone).isoformat(timespec="seconds")
        writer.writerow(
            [
                s.event.id, safe_cell(s.event.title), starts, s.event.state, s.event.capacity,
                s.signups, s.going, s.waiting, s.cancelled, s.attended, s.no_shows,
                f"{s.rate:.2f}",
            ]
        )  # fmt: skip
    return out.getvalue()
