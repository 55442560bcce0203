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

from shequn import Outcome, Posting, coded
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
    conn: Connection,
    who: Member,
    day: date,
    streak: int,
    points: int,
    made_up: bool,
    now: float,
    note: str | None = None,
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
            "note": note,
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


def signin_reason(day: date, streak: int, note: str | None) -> str:
    """The ledger reason of a day's award, rendered in the reader's language; its key tells
    a sign-in with a note, so digests and stats can count noted check-ins from the ledger
    alone."""
    key = "reason.signin_note" if note else "reason.signin"
    return coded(PLUGIN, key, day=day.isoformat(), streak=streak)


def makeup_reason(day: date) -> str:
    """The ledger reason of a made-up day's cost."""
    return coded(PLUGIN, "reason.makeup", day=day.isoformat())


def sign_in(
    conn: Connection,
    who: Member,
    day: date,
    award_for: Callable[[int], Award],
    now: float,
    note: str | None = None,
) -> SignedIn | AlreadySigned | Refused:
    """Sign ``who`` in on ``day`` and award the day's points, once. ``award_for`` may
    return nothing (a note too short): the day still counts for the streak."""
    # One read gives yesterday's streak and whether later days exist (a group whose timezone
    # moved west): the hot path spends a statement only where renumbering is needed.
    yesterday = (day - timedelta(days=1)).isoformat()
    nearby = conn.execute(_days_after, _params(who, day - timedelta(days=2))).all()
    streak = next((int(r.streak) for r in nearby if r.day == yesterday), 0) + 1
    later_days = any(r.day > day.isoformat() for r in nearby)
    award = award_for(streak)
    try:
        with conn.begin_nested():
            if not _insert(conn, who, day, streak, award.total, False, now, note):
                return AlreadySigned(streak_on(conn, who, day) or 0)
            reason = signin_reason(day, streak, note)
            _post(conn, who, award.total, reason, signin_key(who, day), now)
            if later_days:
                _renumber_after(conn, who, day, streak)
    except _Undo as undo:
        return Refused(undo.outcome, balance_of(conn, who.person, who.community))
    return SignedIn(streak, award, balance_of(conn, who.person, who.community))


@dataclass(frozen=True, slots=True)
class NoteKept:
    streak: int
    award: Award | None
    """The day's points, paid now because the note completed a sign-in that earned none."""
    balance: int


def add_note(
    conn: Connection,
    who: Member,
    day: date,
    note: str,
    award_for: Callable[[int], Award] | None,
    now: float,
) -> NoteKept | Refused | None:
    """Keep ``note`` with today's sign-in that has none yet, or (``award_for`` given) that
    earned no points, paying them now. None when there is nothing to change. The update is
    conditional and the payment keyed like the sign-in's, so it happens once."""
    streak = streak_on(conn, who, day)
    if streak is None:
        return None
    here = (*_mine(who), _record.c.day == day.isoformat(), _record.c.made_up.is_(False))
    try:
        with conn.begin_nested():
            award = award_for(streak) if award_for is not None else None
            if award is not None and award.total > 0:
                paid = conn.execute(
                    update(_record)
                    .where(*here, _record.c.points == 0)
                    .values(note=note, points=award.total)
                ).rowcount
                if paid == 1:
                    reason = signin_reason(day, streak, note)
                    _post(conn, who, award.total, reason, signin_key(who, day), now)
                    return NoteKept(streak, award, balance_of(conn, who.person, who.community))
            kept = conn.execute(
                update(_record).where(*here, _record.c.note.is_(None)).values(note=note)
            ).rowcount
    except _Undo as undo:
        return Refused(undo.outcome, balance_of(conn, who.person, who.community))
    if kept != 1:
        return None
    return NoteKept(streak, None, balance_of(conn, who.person, who.community))


def make_up(
    conn: Connection, who: Member, day: date, today: date, cost: int, now: float
) -> MadeUp | AlreadySigned | Refused:
    """Fill in the missed ``day`` for ``cost`` points: row and payment together or neither."""
    streak = (streak_on(conn, who, day - timedelta(days=1)) or 0) + 1
    try:
        with conn.begin_nested():
            if not _insert(conn, who, day, streak, -cost, True, now):
                return AlreadySigned(streak_on(conn, who, day) or 0)
            _post(conn, who, -cost, makeup_reason(day), makeup_key(who, day), now)
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
