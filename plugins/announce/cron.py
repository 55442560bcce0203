"""A small five-field cron parser (minute hour day-of-month month day-of-week).

Supports ``*``, lists (``1,15``), ranges (``1-5``), steps (``*/15``, ``9-17/2``), day names
(``mon``-``sun``; 0 and 7 are Sunday) and the shortcuts ``@hourly``, ``@daily``,
``@weekly``, ``@monthly``. As in classic cron, when both day fields are restricted a day
matches if either does. Times are wall-clock times in the group's timezone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHORTCUTS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
}
_DAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
SEARCH_DAYS = 366 * 5
"""How far ahead :meth:`Cron.next_after` looks (a schedule like Feb 30 never fires)."""


class CronError(ValueError):
    """A malformed expression; the message names the field."""


@dataclass(frozen=True, slots=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    """0 = Sunday ... 6 = Saturday."""
    any_day: bool
    any_weekday: bool

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_day = day.day in self.days
        by_weekday = (day.isoweekday() % 7) in self.weekdays
        if self.any_day and self.any_weekday:
            return True
        if self.any_day:
            return by_weekday
        if self.any_weekday:
            return by_day
        return by_day or by_weekday

    def next_after(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """The first matching minute strictly after ``moment``, or None within five years."""
        local = moment.astimezone(zone)
        start = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
        hours, minutes = sorted(self.hours), sorted(self.minutes)
        day = start.date()
        for _ in range(SEARCH_DAYS):
            if self._day_matches(day):
                for hour in hours:
                    for minute in minutes:
                        candidate = datetime.combine(day, time(hour, minute), zone)
                        if candidate >= start and _exists(candidate, zone):
                            return candidate
            day += timedelta(days=1)
        return None


def _exists(candidate: datetime, zone: ZoneInfo) -> bool:
    """False for wall-clock times skipped by a daylight-saving jump."""
    round_trip = candidate.astimezone(ZoneInfo("UTC")).astimezone(zone)
    return round_trip.replace(tzinfo=None) == candidate.replace(tzinfo=None)


def _number(text: str, names: dict[str, int], field: str) -> int:
    value = names.get(text.lower())
    if value is not None:
        return value
    if not text.isascii() or not text.isdigit():
        raise CronError(f"{field}: {text!r} is not a number")
    return int(text)


def _field(text: str, low: int, high: int, field: str, names: dict[str, int]) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        step = _number(step_text, {}, field) if slash else 1
        if step < 1:
            raise CronError(f"{field}: the step must be at least 1")
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            first, last = _number(a, names, field), _number(b, names, field)
        else:
            first = _number(base, names, field)
            last = high if slash else first
        if not (low <= first <= high and low <= last <= high) or first > last:
            raise CronError(f"{field}: {part!r} is outside {low}-{high}")
        values.update(range(first, last + 1, step))
    return values


def parse(expression: str) -> Cron:
    """Parse ``expression``; raise :class:`CronError` with a field-specific reason."""
    text = SHORTCUTS.get(expression.strip().lower(), expression)
    fields = text.split()
    if len(fields) != 5:
        raise CronError("a cron expression has five fields: minute hour day month weekday")
    minute, hour, day, month, weekday = fields
    weekdays = _field(weekday, 0, 7, "weekday", _DAYS)
    if 7 in weekdays:
        weekdays = (weekdays - {7}) | {0}
    return Cron(
        minutes=frozenset(_field(minute, 0, 59, "minute", {})),
        hours=frozenset(_field(hour, 0, 23, "hour", {})),
        days=frozenset(_field(day, 1, 31, "day", {})),
        months=frozenset(_field(month, 1, 12, "month", _MONTHS)),
        weekdays=frozenset(weekdays),
        any_day=day == "*",
        any_weekday=weekday == "*",
    )
