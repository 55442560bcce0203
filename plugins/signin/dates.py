"""Reading the day a member names, and laying a month out as a text calendar."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, timedelta

_RELATIVE = {"yesterday": 1, "昨天": 1, "昨日": 1, "前天": 2}
_SEPARATORS = re.compile(r"[-/.年月]")


def parse_day(text: str, today: date) -> date | None:
    """``3`` (days back), ``yesterday``/``昨天``, ``2025-01-05``, ``1-5``, ``1月5日``, ``5号``.

    A date without a year (or month) means the latest such date not after today.
    """
    raw = text.strip().lower()
    if raw in _RELATIVE:
        return today - timedelta(days=_RELATIVE[raw])
    of_month = raw.endswith(("日", "号"))
    word = raw.rstrip("日号")
    if word.isdigit() and len(word) <= 3:
        return _day_of_month(int(word), today) if of_month else today - timedelta(int(word))
    parts = [p for p in _SEPARATORS.split(word) if p]
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    try:
        if len(numbers) == 3:
            return date(numbers[0], numbers[1], numbers[2])
        day = date(today.year, numbers[0], numbers[1])
        return day if day <= today else date(today.year - 1, numbers[0], numbers[1])
    except ValueError:
        return None


def _day_of_month(number: int, today: date) -> date | None:
    try:
        if number <= today.day:
            return today.replace(day=number)
        return (today.replace(day=1) - timedelta(days=1)).replace(day=number)
    except ValueError:
        return None


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, first.replace(day=calendar.monthrange(today.year, today.month)[1])


def month_grid(
    year: int, month: int, signed: Mapping[date, bool], weekdays: list[str]
) -> list[str]:
    """Weeks from Monday: ``[05]`` signed in, ``(05)`` made up, `` 05 `` neither."""
    lines = [" ".join(f" {name} " for name in weekdays).rstrip()]
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = []
        for number in week:
            if number == 0:
                cells.append("    ")
                continue
            made_up = signed.get(date(year, month, number))
            if made_up is None:
                cells.append(f" {number:02d} ")
            else:
                cells.append(f"({number:02d})" if made_up else f"[{number:02d}]")
        lines.append(" ".join(cells).rstrip())
    return lines
