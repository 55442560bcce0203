"""Event rows, seats, the waiting list and attendance, as synchronous functions run inside
the core's writer (``ctx.app.db.write``). Every change is a conditional update or a keyed
insert, and payments join the same savepoint, so a seat, a promotion, a refund or an
attendance reward happens once whatever the concurrency or redelivery."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from shequn import Outcome, Posting
from shequn.ledger import post
from shequn.storage import insert_ignore

from .models import EventRow, Signup

_event = EventRow.__table__  # type: ignore[attr-defined]
_signup = Signup.__table__  # type: ignore[attr-defined]

PLUGIN = "events"


class _Undo(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class Joined:
    status: str
    """``going`` or ``waiting``."""
    position: int
    """Place on the waiting list (0 when going)."""


@dataclass(frozen=True, slots=True)
class Already:
    status: str


@dataclass(frozen=True, slots=True)
class Unpaid:
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Cancelled:
    was: str
    promoted: tuple[str, str] | None
    """(account, name) of the member moved up from the waiting list."""


def create(conn: Connection, values: dict[str, Any]) -> int:
    key = conn.execute(_event.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def get(conn: Connection, event_id: int) -> EventRow | None:
    row = conn.execute(select(_event).where(_event.c.id == event_id)).first()
    return None if row is None else EventRow(**row._mapping)


def in_community(conn: Connection, community: str) -> list[EventRow]:
    rows = conn.execute(
        select(_event).where(_event.c.community == community).order_by(_event.c.starts_at)
    )
    return [EventRow(**row._mapping) for row in rows]


def signups(conn: Connection, event_id: int) -> list[Signup]:
    rows = conn.execute(
        select(_signup)
        .where(_signup.c.event_id == event_id)
        .order_by(_signup.c.queued_at, _signup.c.person)
    )
    return [Signup(**row._mapping) for row in rows]


def _pay(conn: Connection, event: EventRow, person: str, amount: int, key: str, now: float) -> None:
    if amount == 0:
        return
    reason = f"event #{event.id} fee"
    posting = Posting(person, event.community, amount, reason, key, event.group_key, PLUGIN)
    outcome = post(conn, [posting], now, savepoint=False)
    if outcome is not Outcome.APPLIED:
        raise _Undo(outcome)


def _status(conn: Connection, event_id: int, person: str) -> tuple[str, int] | None:
    row = conn.execute(
        select(_signup.c.status, _signup.c.round).where(
            _signup.c.event_id == event_id, _signup.c.person == person
        )
    ).first()
    return None if row is None else (str(row.status), int(row.round))


def _mine(event_id: int, person: str) -> tuple[Any, Any]:
    return (_signup.c.event_id == event_id, _signup.c.person == person)


def join(
    conn: Connection, event: EventRow, person: str, account: str, name: str, now: float
) -> Joined | Already | Unpaid:
    """Take a seat, or a place on the waiting list when every seat is taken; pay the cost."""
    assert event.id is not None
    try:
        with conn.begin_nested():
            row = {
                "event_id": event.id,
                "person": person,
                "account": account,
                "name": name[:200],
                "status": "new",
                "round": 1,
                "queued_at": now,
            }
            if not insert_ignore(conn, _signup, row, ("event_id", "person")):
                known = _status(conn, event.id, person)
                if known is None or known[0] != "cancelled":
                    return Already(known[0] if known else "going")
                reopened = conn.execute(
                    update(_signup)
                    .where(*_mine(event.id, person), _signup.c.status == "cancelled")
                    .values(status="new", round=_signup.c.round + 1, queued_at=now, name=name)
                ).rowcount
                if reopened != 1:
                    return Already("going")
            seat = conn.execute(
                update(_event)
                .where(_event.c.id == event.id, _event.c.taken < _event.c.capacity)
                .values(taken=_event.c.taken + 1)
            ).rowcount
            status = "going" if seat == 1 else "waiting"
            conn.execute(
                update(_signup)
                .where(*_mine(event.id, person), _signup.c.status == "new")
                .values(status=status)
            )
            turn = (_status(conn, event.id, person) or ("", 1))[1]
            _pay(conn, event, person, -event.cost, f"events:{event.id}:{person}:pay:{turn}", now)
    except _Undo as undo:
        return Unpaid(undo.outcome)
    position = 0
    if status == "waiting":
        position = int(
            conn.execute(
                select(func.count()).where(
                    _signup.c.event_id == event.id,
                    _signup.c.status == "waiting",
                    _signup.c.queued_at <= now,
                )
            ).scalar_one()
        )
    return Joined(status, position)


def _refund(conn: Connection, event: EventRow, person: str, turn: int, now: float) -> None:
    """Give back one sign-up's fee; keyed, so a second refund of the same turn is ignored."""
    if event.cost == 0:
        return
    key = f"events:{event.id}:{person}:refund:{turn}"
    reason = f"event #{event.id} refund"
    post(
        conn,
        [Posting(person, event.community, event.cost, reason, key, event.group_key, PLUGIN)],
        now,
    )


def cancel(conn: Connection, event: EventRow, person: str, now: float) -> Cancelled | None:
    """Leave the event (refunding the cost); a freed seat goes to the first on the waiting
    list. None when ``person`` holds neither a seat nor a place."""
    assert event.id is not None
    known = _status(conn, event.id, person)
    if known is None or known[0] not in ("going", "waiting"):
        return None
    was, turn = known
    with conn.begin_nested():
        left = conn.execute(
            update(_signup)
            .where(*_mine(event.id, person), _signup.c.status == was, _signup.c.round == turn)
            .values(status="cancelled")
        ).rowcount
        if left != 1:
            return None
        _refund(conn, event, person, turn, now)
        promoted = _promote(conn, event) if was == "going" else None
    return Cancelled(was, promoted)


def _promote(conn: Connection, event: EventRow) -> tuple[str, str] | None:
    """Hand the freed seat to the first member waiting, or give it back to the event."""
    waiting = conn.execute(
        select(_signup.c.person, _signup.c.account, _signup.c.name)
        .where(_signup.c.event_id == event.id, _signup.c.status == "waiting")
        .order_by(_signup.c.queued_at, _signup.c.person)
    ).all()
    for row in waiting:
        moved = conn.execute(
            update(_signup)
            .where(*_mine(event.id or 0, row.person), _signup.c.status == "waiting")
            .values(status="going")
        ).rowcount
        if moved == 1:
            return str(row.account), str(row.name)
    conn.execute(update(_event).where(_event.c.id == event.id).values(taken=_event.c.taken - 1))
    return None


def check_in(conn: Connection, event: EventRow, person: str, points: int, now: float) -> str:
    """``done`` (points paid once), ``again`` (already checked in) or ``not_going``."""
    assert event.id is not None
    with conn.begin_nested():
        marked = conn.execute(
            update(_signup)
            .where(
                *_mine(event.id, person),
                _signup.c.status == "going",
                _signup.c.attended_at.is_(None),
            )
            .values(attended_at=now)
        ).rowcount
        if marked != 1:
            known = _status(conn, event.id, person)
            return "again" if known is not None and known[0] == "going" else "not_going"
        if points:
            key = f"events:{event.id}:{person}:attend"
            reason = f"event #{event.id} attendance"
            posting = Posting(person, event.community, points, reason, key, event.group_key, PLUGIN)
            post(conn, [posting], now)
    return "done"


def close(conn: Connection, event: EventRow, now: float) -> list[str] | None:
    """End check-in once (``open`` -> ``closed``), refunding whoever is still waiting;
    returns the no-shows' names, or None when it was closed already."""
    assert event.id is not None
    with conn.begin_nested():
        ended = conn.execute(
            update(_event)
            .where(_event.c.id == event.id, _event.c.state == "open")
            .values(state="closed")
        ).rowcount
        if ended != 1:
            return None
        for row in signups(conn, event.id):
            if row.status == "waiting":
                _refund(conn, event, row.person, row.round, now)
    return [r.name for r in signups(conn, event.id) if r.status == "going" and not r.attended_at]


def all_events(conn: Connection) -> list[EventRow]:
    rows = conn.execute(select(_event).order_by(_event.c.community, _event.c.starts_at))
    return [EventRow(**row._mapping) for row in rows]
