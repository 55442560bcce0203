"""The week of a roster: reading ``DAY HH:MM-HH:MM``, when a shift next starts, and whether
it runs now. Times are local to the shift's timezone and keep their local hour across DST."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shequn import TranslatableError

from .models import Shift

_DAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("mon", "monday", "周一", "星期一", "礼拜一"),
        ("tue", "tues", "tuesday", "周二", "星期二", "礼拜二"),
        ("wed", "wednesday", "周三", "星期三", "礼拜三"),
        ("thu", "thur", "thurs", "thursday", "周四", "星期四", "礼拜四"),
        ("fri", "friday", "周五", "星期五", "礼拜五"),
        ("sat", "saturday", "周六", "星期六", "礼拜六"),
        ("sun", "sunday", "周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天"),
    )
):
    _DAYS[str(_number + 1)] = _number
    for _name in _names:
        _DAYS[_name] = _number

_DASHES = ("~", "～", "–", "—", "至", "到")


class ShiftError(TranslatableError):
    """A shift that cannot be added as written."""


@dataclass(frozen=True, slots=True)
class Hours:
    weekday: int
    start: int
    end: int
    """Minutes after midnight; ``end <= start`` means the shift ends the next day."""


def _minutes(text: str, *, end: bool) -> int | None:
    hour, sep, minute = text.partition(":")
    if not sep or not (hour.isascii() and hour.isdigit() and minute.isascii() and minute.isdigit()):
        return None
    if len(hour) > 2 or len(minute) != 2:
        return None
    h, m = int(hour), int(minute)
    if end and h == 24 and m == 0:
        return 1440
    return h * 60 + m if h < 24 and m < 60 else None


def parse_hours(day: str, hours: str) -> Hours:
    weekday = _DAYS.get(day.strip().lower()[:20])
    if weekday is None:
        raise ShiftError("add.bad_day", value=day[:20])
    text = "".join(hours.split()).replace("：", ":")
    for dash in _DASHES:
        text = text.replace(dash, "-")
    first, sep, last = text.partition("-")
    start, end = _minutes(first, end=False), _minutes(last, end=True)
    if not sep or start is None or end is None or start == end:
        raise ShiftError("add.bad_hours", value=hours[:40])
    return Hours(weekday, start, end)


def zone(shift: Shift) -> ZoneInfo:
    try:
        return ZoneInfo(shift.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def next_start(shift: Shift, after: float) -> datetime:
    """The first start of ``shift`` strictly after ``after`` (UTC epoch seconds)."""
    tz = zone(shift)
    moment = datetime.fromtimestamp(after, tz)
    day = moment.date() - timedelta(days=(moment.weekday() - shift.weekday) % 7)
    while True:
        start = datetime.combine(day, _clock(shift.start_minute), tz)
        if start.timestamp() > after:
            return start
        day += timedelta(days=7)


def on_duty(shift: Shift, now: float) -> bool:
    tz = zone(shift)
    moment = datetime.fromtimestamp(now, tz)
    minute = moment.hour * 60 + moment.minute
    start, end = shift.start_minute, shift.end_minute
    if end > start:
        return moment.weekday() == shift.weekday and start <= minute < end
    if moment.weekday() == shift.weekday:
        return minute >= start
    return moment.weekday() == (shift.weekday + 1) % 7 and minute < end


def span(shift: Shift) -> str:
    end = "24:00" if shift.end_minute == 1440 else f"{_clock(shift.end_minute):%H:%M}"
    return f"{_clock(shift.start_minute):%H:%M}-{end}"
