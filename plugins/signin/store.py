"""Sign-in rows and their points, written in one transaction.

Every function here is synchronous and takes the connection of the core's group-commit
writer (``ctx.app.db.write(fn)``) or reader. Uniqueness comes from the table's key
(insert-or-ignore), never from reading first, so concurrent or redelivered sign-ins award
once; the ledger posting joins the same savepoint, so a row never exists without its points
(or a paid make-up without its payment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Connection, bindparam, select, update

from shequn import Outcome, Posting
from shequn.ledger import balance_of, post
from shequn.storage import insert_ignore

from .member import Member
from .models import SigninRecord
from .rewards import Award

_record = SigninRecord.__table__  # type: ignore[attr-defined]

PLUGIN = "signin"


@dataclass(frozen=True, slots=True)
class SignedIn:
    streak: int
    award: Award
    balance: int


@dataclass(frozen=True, slots=True)
class AlreadySigned:
    streak: int


@dataclass(frozen=True, slots=True)
class MadeUp:
    streak: int
    """The current streak after the day was filled in."""
    balance: int


@dataclass(frozen=True, slots=True)
class Refused:
    outcome: Outcome
    balance: int


class _Undo(Exception):
    """Leaves the savepoint, undoing the row, when the ledger refuses the posting."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def signin_key(who: Member, day: date) -> str:
    return f"signin:{who.community}:{who.person}:{day.isoformat()}"


def makeup_key(who: Member, day: date) -> str:
    return f"signin:makeup:{who.community}:{who.person}:{day.isoformat()}"


def _mine(who: Member) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (_record.c.person == who.person, _record.c.community == who.community)


def _params(who: Member, day: date) -> dict[str, str]:
    return {"r_person": who.person, "r_community": who.community, "r_day": day.isoformat()}


# The two reads every sign-in makes, built once (building costs more than running them).
_same_member = (
    _record.c.person == bindparam("r_person"),
    _record.c.community == bindparam("r_community"),
)
_streak_on = select(_record.c.streak).where(*_same_member, _record.c.day == bindparam("r_day"))
_days_after = (
    select(_record.c.day, _record.c.streak)
    .where(*_same_member, _record.c.day > bindparam("r_day"))
    .order_by(_record.c.day)
)


def streak_on(conn: Connection, who: Member, day: date) -> int | None:
    """The streak recorded on ``day``; None when the member did not sign in that day."""
    value = conn.execute(_streak_on, _params(who, day)).scalar()
    return None if value is None else int(value)


def current_streak(conn: Connection, who: Member, today: date) -> int:
    """The streak still alive today: today's, else yesterday's, else 0."""
    for day in (today, today - timedelta(days=1)):
        streak = streak_on(conn, who, day)
        if streak is not None:
            return streak
    return 0


def _insert(
    conn: Connection, who: Member, day: date, streak: int, points: int, made_up: bool, now: float
) -> bool:
    return insert_ignore(
        conn,
        _record,
        {
            "person": who.person,
            "community": who.community,
            "day": day.isoformat(),
            "group_key": who.group_key,
            "streak": streak,
            "points": points,
            "made_up": made_up,
            "created_at": now,
        },
        ("person", "community", "day"),
    )


def _renumber_after(conn: Connection, who: Member, day: date, streak: int) -> None:
    """Renumber the days that directly follow ``day`` (whose streak is ``streak``)."""
    later = conn.execute(_days_after, _params(who, day)).all()
    expected = day
    for row in later:
        expected += timedelta(days=1)
        if row.day != expected.isoformat():
            break
        streak += 1
        if row.streak != streak:
            conn.execute(
                update(_record).where(*_mine(who), _record.c.day == row.day).values(streak=streak)
            )


def _post(conn: Connection, who: Member, amount: int, reason: str, key: str, now: float) -> None:
    if amount == 0:
        return
    posting = Posting(who.person, who.community, amount, reason, key, who.group_key, PLUGIN)
    outcome = post(conn, [posting], now, savepoint=False)  # inside our savepoint
    if outcome is not Outcome.APPLIED:
        raise _Undo(outcome)


def sign_in(
    conn: Connection, who: Member, day: date, award_for: Callable[[int], Award], now: float
) -> SignedIn | AlreadySigned | Refused:
    """Sign ``who`` in on ``day`` and award the day's points, once."""
    streak = (streak_on(conn, who, day - timedelta(days=1)) or 0) + 1
    award = award_for(streak)
    try:
        with conn.begin_nested():
            if not _insert(conn, who, day, streak, award.total, False, now):
                return AlreadySigned(streak_on(conn, who, day) or 0)
            reason = f"{day.isoformat()} streak {streak}"
            _post(conn, who, award.total, reason, signin_key(who, day), now)
            _renumber_after(conn, who, day, streak)
    except _Undo as undo:
        return Refused(undo.outcome, balance_of(conn, who.person, who.community))
    return SignedIn(streak, award, balance_of(conn, who.person, who.community))


def make_up(
    conn: Connection, who: Member, day: date, today: date, cost: int, now: float
) -> MadeUp | AlreadySigned | Refused:
    """Fill in the missed ``day`` for ``cost`` points: row and payment together or neither."""
    streak = (streak_on(conn, who, day - timedelta(days=1)) or 0) + 1
    try:
        with conn.begin_nested():
            if not _insert(conn, who, day, streak, -cost, True, now):
                return AlreadySigned(streak_on(conn, who, day) or 0)
            _post(conn, who, -cost, f"makeup {day.isoformat()}", makeup_key(who, day), now)
            _renumber_after(conn, who, day, streak)
    except _Undo as undo:
        return Refused(undo.outcome, balance_of(conn, who.person, who.community))
    return MadeUp(current_streak(conn, who, today), balance_of(conn, who.person, who.community))


def latest_missed(conn: Connection, who: Member, today: date, days: int) -> date | None:
    """The most recent day in the last ``days`` (today excluded) without a sign-in."""
    earliest = today - timedelta(days=days)
    signed = set(
        conn.execute(
            select(_record.c.day).where(
                *_mine(who),
                _record.c.day >= earliest.isoformat(),
                _record.c.day < today.isoformat(),
            )
        ).scalars()
    )
    for back in range(1, days + 1):
        day = today - timedelta(days=back)
        if day.isoformat() not in signed:
            return day
    return None


def month_days(conn: Connection, who: Member, first: date, last: date) -> dict[date, bool]:
    """Days signed in between ``first`` and ``last``, mapped to whether each was made up."""
    rows = conn.execute(
        select(_record.c.day, _record.c.made_up).where(
            *_mine(who),
            _record.c.day >= first.isoformat(),
            _record.c.day <= last.isoformat(),
        )
    )
    return {date.fromisoformat(row.day): bool(row.made_up) for row in rows}


def streak_leaders(
    conn: Connection, community: str, today: date, limit: int
) -> list[tuple[str, int]]:
    """Members with the longest streaks still alive today, longest first."""
    yesterday = (today - timedelta(days=1)).isoformat()
    rows = conn.execute(
        select(_record.c.person, _record.c.day, _record.c.streak).where(
            _record.c.community == community,
            _record.c.day.in_([yesterday, today.isoformat()]),
        )
    )
    alive: dict[str, tuple[str, int]] = {}
    for row in rows:
        known = alive.get(row.person)
        if known is None or row.day > known[0]:
            alive[row.person] = (row.day, int(row.streak))
    ranked = sorted(alive.items(), key=lambda item: (-item[1][1], item[0]))
    return [(person, streak) for person, (_, streak) in ranked[:limit]]
