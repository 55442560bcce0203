"""Reading ``/event create TIME | TITLE | PLACE | CAPACITY [| cost=N] [| deadline=TIME]``.

Fields are separated by ``|`` (or the full-width ``｜``); times are local to the group,
``YYYY-MM-DD HH:MM`` or ``MM-DD HH:MM`` (this year, or next year when already past).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from shequn import TranslatableError

_TIME = re.compile(r"^(?:(\d{4})[-/.])?(\d{1,2})[-/.](\d{1,2})\s+(\d{1,2})[:：](\d{2})$")
MAX_TITLE = 200
MAX_PLACE = 500
MAX_CAPACITY = 100_000


class SpecError(TranslatableError):
    """An event that cannot be created as written."""


@dataclass(frozen=True, slots=True)
class EventSpec:
    starts: datetime
    title: str
    place: str
    capacity: int
    cost: int
    deadline: datetime


def parse_time(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    match = _TIME.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        moment = datetime(
            int(year) if year else now.year,
            int(month),
            int(day),
            int(hour),
            int(minute),
            tzinfo=zone,
        )
        if not year and moment < now:
            moment = moment.replace(year=now.year + 1)
    except ValueError:
        return None
    return moment


def parse_spec(text: str, now: datetime, zone: tzinfo) -> EventSpec:
    fields = [f.strip() for f in text.replace("｜", "|").split("|")]
    if len(fields) < 4 or not all(fields[:4]):
        raise SpecError("create.usage")
    starts = parse_time(fields[0], now, zone)
    if starts is None:
        raise SpecError("create.bad_time", value=fields[0][:40])
    if starts <= now:
        raise SpecError("create.past")
    title, place = fields[1][:MAX_TITLE], fields[2][:MAX_PLACE]
    if not fields[3].isdecimal() or not 1 <= int(fields[3]) <= MAX_CAPACITY:
        raise SpecError("create.bad_capacity", value=fields[3][:20], max=MAX_CAPACITY)
    cost, deadline = 0, starts
    for extra in fields[4:]:
        name, _, value = extra.replace("＝", "=").partition("=")
        name = name.strip().lower()
        if name in ("cost", "费用") and value.strip().isdecimal() and int(value) <= 100_000:
            cost = int(value)
        elif name in ("deadline", "截止"):
            found = parse_time(value, now, zone)
            if found is None or found > starts:
                raise SpecError("create.bad_deadline", value=value.strip()[:40])
            deadline = found
        elif extra:
            raise SpecError("create.bad_field", value=extra[:40])
    return EventSpec(starts, title, place, int(fields[3]), cost, deadline)
