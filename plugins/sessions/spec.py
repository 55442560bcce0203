"""Reading ``/session create TIME | TITLE [| every=N]`` and computing when each occurrence of
a series starts.

Times are local to the group, ``YYYY-MM-DD HH:MM`` or ``MM-DD HH:MM`` (this year, or next
year when already past). Occurrences keep their local hour: day arithmetic happens on the
local calendar, so a weekly session at 20:00 stays at 20:00 across a DST change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shequn import TranslatableError

from .models import SeriesRow

MAX_TITLE = 200
_FORMATS = ("%Y-%m-%d %H:%M", "%m-%d %H:%M")


class SpecError(TranslatableError):
    """A series that cannot be created as written."""


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    first: datetime
    title: str
    every_days: int


def parse_start(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    cleaned = " ".join(text.replace("：", ":").replace("/", "-").split())
    for form in _FORMATS:
        try:
            parsed = datetime.strptime(cleaned, form)
        except ValueError:
            continue
        if form.startswith("%Y"):
            return parsed.replace(tzinfo=zone)
        try:
            moment = parsed.replace(year=now.year, tzinfo=zone)
            return moment if moment >= now else moment.replace(year=now.year + 1)
        except ValueError:  # 02-29 outside a leap year
            return None
    return None


def parse_spec(text: str, now: datetime, zone: tzinfo, default_every: int) -> SeriesSpec:
    fields = [f.strip() for f in text.replace("｜", "|").split("|")]
    if len(fields) < 2 or not all(fields[:2]):
        raise SpecError("create.usage")
    first = parse_start(fields[0], now, zone)
    if first is None:
        raise SpecError("create.bad_time", value=fields[0][:40])
    if first <= now:
        raise SpecError("create.past")
    every = default_every
    for extra in fields[2:]:
        name, _, value = extra.replace("＝", "=").partition("=")
        value = value.strip()
        if name.strip().lower() in ("every", "每") and value.isdecimal() and 1 <= int(value) <= 365:
            every = int(value)
        elif extra:
            raise SpecError("create.bad_field", value=extra[:40])
    return SeriesSpec(first, fields[1][:MAX_TITLE], every)


def zone_of(series: SeriesRow) -> tzinfo:
    try:
        return ZoneInfo(series.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def start_of(series: SeriesRow, number: int) -> float:
    """When occurrence ``number`` (1, 2, ...) starts, as a timestamp."""
    first = datetime.fromtimestamp(series.first_at, zone_of(series))
    local = first.replace(tzinfo=None) + timedelta(days=series.every_days * (number - 1))
    return local.replace(tzinfo=first.tzinfo).timestamp()


def upcoming(series: SeriesRow, now: float, count: int) -> list[tuple[int, float]]:
    """The next ``count`` occurrences starting after ``now``: (number, starts_at)."""
    period = series.every_days * 86400.0
    number = max(1, math.floor((now - series.first_at) / period))
    while start_of(series, number) <= now:
        number += 1
    return [(n, start_of(series, n)) for n in range(number, number + count)]
