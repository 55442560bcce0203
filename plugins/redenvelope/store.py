"""Envelopes, grabs and returns, each one transaction of the core's group-commit writer.

Paying the envelope and creating its shares commit together; a grab takes the first free
share by a conditional update (``taker IS NULL AND NOT returned``) and the unique
(envelope, taker) index stops a second grab by the same person; the return at expiry is an
``open -> expired`` transition that marks the free shares returned. Every posting is keyed,
so the points always add up: grabbed + returned = total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError

from shequn import Outcome, Posting
from shequn.ledger import balance_of, post
from shequn.storage import insert_ignore_returning

from .models import Envelope, EnvelopeShare

PLUGIN = "redenvelope"

_envelope = Envelope.__table__  # type: ignore[attr-defined]
_share = EnvelopeShare.__table__  # type: ignore[attr-defined]


class Refusal(StrEnum):
    INSUFFICIENT = "insufficient"
    DUPLICATE = "duplicate"
    CLOSED = "closed"
    EMPTY = "empty"
    ALREADY = "already"
    OWN = "own"


@dataclass(frozen=True, slots=True)
class Sent:
    envelope_id: int
    balance: int


@dataclass(frozen=True, slots=True)
class Grabbed:
    amount: int
    taken: int
    shares: int
    finished: bool


@dataclass(frozen=True, slots=True)
class Expired:
    envelope: Envelope
    taken: int
    returned: int


class _Undo(Exception):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


def send(
    conn: Connection, values: dict[str, object], amounts: Sequence[int], now: float
) -> Sent | Refusal:
    """Charge the giver and create the envelope with its shares, all or nothing."""
    giver, community = str(values["giver"]), str(values["community"])
    try:
        with conn.begin_nested():
            found = insert_ignore_returning(conn, _envelope, values, ("origin",), "id")
            if found is None:
                raise _Undo(Refusal.DUPLICATE)
            envelope_id = int(found)
            posting = Posting(
                giver,
                community,
                -sum(amounts),
                f"red envelope #{envelope_id}",
                f"redenvelope:give:{envelope_id}",
                str(values["group_key"]),
                PLUGIN,
            )
            if post(conn, [posting], now, savepoint=False) is not Outcome.APPLIED:
                raise _Undo(Refusal.INSUFFICIENT)
            conn.execute(
                _share.insert(),
                [
                    {"envelope_id": envelope_id, "idx": i, "amount": a, "returned": False}
                    for i, a in enumerate(amounts)
                ],
            )
    except _Undo as undo:
        return undo.refusal
    return Sent(envelope_id, balance_of(conn, giver, community))


def get(conn: Connection, envelope_id: int) -> Envelope | None:
    row = conn.execute(select(_envelope).where(_envelope.c.id == envelope_id)).first()
    return None if row is None else Envelope.model_validate(dict(row._mapping))


def latest_open(conn: Connection, group_key: str) -> Envelope | None:
    row = conn.execute(
        select(_envelope)
        .where(_envelope.c.group_key == group_key, _envelope.c.state == "open")
        .order_by(_envelope.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else Envelope.model_validate(dict(row._mapping))


def _taken(conn: Connection, envelope_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                _share.c.envelope_id == envelope_id, _share.c.taker.is_not(None)
            )
        ).scalar_one()
    )


def grab(
    conn: Connection, envelope_id: int, person: str, group_key: str, own_ok: bool, now: float
) -> Grabbed | Refusal:
    envelope = get(conn, envelope_id)
    if envelope is None:
        return Refusal.CLOSED
    if envelope.giver == person and not own_ok:
        return Refusal.OWN
    mine = select(_share.c.amount).where(
        _share.c.envelope_id == envelope_id, _share.c.taker == person
    )
    if conn.execute(mine).first() is not None:
        return Refusal.ALREADY
    if envelope.state == "finished":
        return Refusal.EMPTY
    if envelope.state != "open" or envelope.expires_at <= now:
        return Refusal.CLOSED
    free = (
        select(func.min(_share.c.idx))
        .where(
            _share.c.envelope_id == envelope_id,
            _share.c.taker.is_(None),
            _share.c.returned.is_(False),
        )
        .scalar_subquery()
    )
    take = (
        update(_share)
        .where(
            _share.c.envelope_id == envelope_id,
            _share.c.idx == free,
            _share.c.taker.is_(None),
            _share.c.returned.is_(False),
        )
        .values(taker=person, taken_at=now)
    )
    try:
        with conn.begin_nested():
            # Concurrent grabs (PostgreSQL: other transactions, other workers) may aim at the
            # same free share; the loser's update changes nothing once the winner commits.
            # Each retry is a new statement and sees what was committed meanwhile: the
            # person's own share (a double click) or the next free one.
            for _ in range(envelope.shares + 1):
                if conn.execute(take).rowcount == 1:
                    break
                if conn.execute(mine).first() is not None:
                    raise _Undo(Refusal.ALREADY)
                if conn.execute(select(free)).scalar() is None:
                    raise _Undo(Refusal.EMPTY)
            else:
                raise _Undo(Refusal.EMPTY)
            amount = int(conn.execute(mine).scalar_one())
            posting = Posting(
                person,
                envelope.community,
                amount,
                f"red envelope #{envelope_id}",
                f"redenvelope:grab:{envelope_id}:{person}",
                group_key,
                PLUGIN,
            )
            if post(conn, [posting], now, savepoint=False) is not Outcome.APPLIED:
                raise _Undo(Refusal.ALREADY)
    except _Undo as undo:
        return undo.refusal
    except IntegrityError:  # the unique (envelope, taker) index: a concurrent grab won
        return Refusal.ALREADY
    taken = _taken(conn, envelope_id)
    finished = False
    if taken >= envelope.shares:
        finished = (
            conn.execute(
                update(_envelope)
                .where(_envelope.c.id == envelope_id, _envelope.c.state == "open")
                .values(state="finished")
            ).rowcount
            == 1
        )
    return Grabbed(amount, taken, envelope.shares, finished)


def expire(conn: Connection, envelope_id: int, now: float) -> Expired | None:
    """``open -> expired``: free shares are marked returned and their sum goes back, once."""
    moved = conn.execute(
        update(_envelope)
        .where(_envelope.c.id == envelope_id, _envelope.c.state == "open")
        .values(state="expired")
    ).rowcount
    if moved != 1:
        return None
    conn.execute(
        update(_share)
        .where(
            _share.c.envelope_id == envelope_id,
            _share.c.taker.is_(None),
            _share.c.returned.is_(False),
        )
        .values(returned=True)
    )
    back = int(
        conn.execute(
            select(func.coalesce(func.sum(_share.c.amount), 0)).where(
                _share.c.envelope_id == envelope_id, _share.c.returned.is_(True)
            )
        ).scalar_one()
    )
    envelope = get(conn, envelope_id)
    assert envelope is not None
    if back:
        posting = Posting(
            envelope.giver,
            envelope.community,
            back,
            f"red envelope #{envelope_id} returned",
            f"redenvelope:return:{envelope_id}",
            envelope.group_key,
            PLUGIN,
        )
        post(conn, [posting], now)
    conn.execute(update(_envelope).where(_envelope.c.id == envelope_id).values(returned=back))
    return Expired(envelope, _taken(conn, envelope_id), back)


def takers(conn: Connection, envelope_id: int) -> list[tuple[str, int]]:
    """Who grabbed what, largest first."""
    rows = conn.execute(
        select(_share.c.taker, _share.c.amount)
        .where(_share.c.envelope_id == envelope_id, _share.c.taker.is_not(None))
        .order_by(_share.c.amount.desc(), _share.c.taken_at)
    )
    return [(str(r.taker), int(r.amount)) for r in rows]
