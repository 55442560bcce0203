"""Reading ``/lottery create`` options: ``KEY=VALUE`` words (English or Chinese keys) and the
prize as the remaining words, e.g. ``/lottery create 机械键盘 winners=2 end=20:00 cost=10``."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from shequn import TranslatableError, parse_duration

from .config import LotteryConfig

MAX_PRIZE = 200
MAX_TITLE = 24

KEYS = {
    "winners": "winners",
    "名额": "winners",
    "人数": "winners",
    "end": "end",
    "截止": "end",
    "开奖": "end",
    "entrants": "entrants",
    "满人": "entrants",
    "entry": "entry",
    "方式": "entry",
    "cost": "cost",
    "费用": "cost",
    "points": "points",
    "积分": "points",
    "min_points": "min_points",
    "最低积分": "min_points",
    "streak": "streak",
    "连签": "streak",
    "days": "days",
    "入群天数": "days",
    "title": "title",
    "头衔": "title",
}
ENTRY_MODES = {"button": "button", "按钮": "button", "command": "command", "口令": "command"}


@dataclass(frozen=True, slots=True)
class Spec:
    prize: str
    winners: int
    ends_at: datetime
    max_entrants: int | None
    entry: str
    cost: int
    prize_points: int
    min_points: int
    min_streak: int
    min_days: int
    title: str


class OptionError(TranslatableError):
    """A bad option of ``/lottery create``; keys ``opt.*`` of the lottery catalogue."""


def clean(text: str, limit: int) -> str:
    """Printable text: control and format characters dropped, spaces collapsed, cut."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    return " ".join(kept.split())[:limit]


def _number(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise OptionError("opt.number", name=name, value=value[:40]) from None
    if not low <= number <= high:
        raise OptionError("opt.range", name=name, low=low, high=high)
    return number


def parse_end(value: str, now: datetime) -> datetime | None:
    """``2h``/``30m``/``1d``, ``HH:MM`` (the next such time) or ``YYYY-MM-DDTHH:MM`` (local)."""
    duration = parse_duration(value)
    if duration is not None:
        return now + duration
    try:
        clock = time.fromisoformat(value)
    except ValueError:
        pass
    else:
        moment = datetime.combine(now.date(), clock, now.tzinfo)
        return moment if moment > now else moment + timedelta(days=1)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=now.tzinfo)


def parse(text: str, now: datetime, config: LotteryConfig) -> Spec:
    """The lottery described by ``text``; ``now`` in the group's timezone."""
    found: dict[str, str] = {}
    words: list[str] = []
    for word in text.split():
        name, sep, value = word.replace("＝", "=").partition("=")
        if sep and name.lower() in KEYS:
            found[KEYS[name.lower()]] = value.strip()
        elif sep and name.isascii() and name.isidentifier():
            raise OptionError("opt.unknown", name=name[:40])
        else:
            words.append(word)
    prize = clean(" ".join(words), MAX_PRIZE)
    winners = _number("winners", found.get("winners", "1"), 1, config.max_winners)
    latest = now + timedelta(days=config.max_days)
    if "end" in found:
        ends_at = parse_end(found["end"], now)
        if ends_at is None:
            raise OptionError("opt.end", value=found["end"][:40])
        if ends_at <= now or ends_at > latest:
            raise OptionError("opt.end_range", days=config.max_days)
    else:
        ends_at = now + timedelta(hours=config.default_hours)
    entrants = found.get("entrants")
    max_entrants = _number("entrants", entrants, 1, 1_000_000) if entrants else None
    mode = ENTRY_MODES.get(found.get("entry", "button").lower())
    if mode is None:
        raise OptionError("opt.entry", value=found["entry"][:40])
    points = _number("points", found.get("points", "0"), 0, config.max_prize_points)
    if not prize and points == 0:
        raise OptionError("opt.no_prize")
    return Spec(
        prize=prize,
        winners=winners,
        ends_at=ends_at,
        max_entrants=max_entrants,
        entry=mode,
        cost=_number("cost", found.get("cost", "0"), 0, config.max_cost),
        prize_points=points,
        min_points=_number("min_points", found.get("min_points", "0"), 0, 10**12),
        min_streak=_number("streak", found.get("streak", "0"), 0, 3660),
        min_days=_number("days", found.get("days", "0"), 0, 36_600),
        title=clean(found.get("title", ""), MAX_TITLE),
    )
