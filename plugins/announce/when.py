"""When a one-off announcement is due: ``+2h`` / ``90m`` from now, ``HH:MM`` (the next such
time), or ``YYYY-MM-DDTHH:MM`` in the group's timezone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from shequn import parse_duration

MAX_AHEAD = timedelta(days=366)


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The moment ``text`` names, or None when it is not a time or lies in the past."""
    text = text.strip()
    if len(text) > 40:
        return None
    delta = parse_duration(text)
    if delta is not None:
        moment = now + delta
    else:
        moment = _clock_time(text, now, zone) or _date_time(text, zone)  # type: ignore[assignment]
        if moment is None:
            return None
    if moment <= now or moment - now > MAX_AHEAD:
        return None
    return moment


def _clock_time(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    try:
        wall = time.fromisoformat(text) if ":" in text and len(text) <= 5 else None
    except ValueError:
        return None
    if wall is None:
        return None
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), wall, zone)
    return moment if moment > now else moment + timedelta(days=1)


def _date_time(text: str, zone: ZoneInfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
