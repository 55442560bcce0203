"""Poll rows through the core's writer: votes by unique key, closing by a transition."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select, update

from shequn.storage import insert_ignore

from .models import Poll, PollVote

_poll = Poll.__table__  # type: ignore[attr-defined]
_vote = PollVote.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Stored:
    id: int
    group_key: str
    question: str
    options: list[str]
    multiple: bool
    anonymous: bool
    creator: str
    closes_at: float
    state: str


def _stored(row: Any) -> Stored:
    return Stored(
        id=int(row.id),
        group_key=row.group_key,
        question=row.question,
        options=list(json.loads(row.options)),
        multiple=bool(row.multiple),
        anonymous=bool(row.anonymous),
        creator=row.creator,
        closes_at=float(row.closes_at),
        state=row.state,
    )


def create(conn: Connection, values: dict[str, Any]) -> int:
    row = {**values, "options": json.dumps(values["options"], ensure_ascii=False)}
    return int(
        conn.execute(_poll.insert().returning(_poll.c.id), {**row, "state": "open"}).scalar_one()
    )


def get(conn: Connection, group_key: str, poll_id: int) -> Stored | None:
    row = conn.execute(
        select(_poll).where(_poll.c.id == poll_id, _poll.c.group_key == group_key)
    ).first()
    return None if row is None else _stored(row)


def open_polls(conn: Connection, group_key: str) -> list[Stored]:
    rows = conn.execute(
        select(_poll)
        .where(_poll.c.group_key == group_key, _poll.c.state == "open")
        .order_by(_poll.c.id)
    )
    return [_stored(r) for r in rows]


class Cast(StrEnum):
    """What one vote did: the answer a voter gets depends on it."""

    NEW = "new"
    CHANGED = "changed"
    """A single-choice voter moved their vote to another option."""
    SAME = "same"
    """The option this person had chosen already."""
    CLOSED = "closed"


def cast_vote(conn: Connection, poll: Stored, person: str, option: int, now: float) -> Cast:
    """Record one vote: once per person and option; on a single-choice poll another option
    replaces the person's vote. The poll's state is read in the same transaction."""
    still_open = conn.execute(
        select(_poll.c.id).where(_poll.c.id == poll.id, _poll.c.state == "open")
    ).first()
    if still_open is None:
        return Cast.CLOSED
    slot = option if poll.multiple else 0
    row = {"poll_id": poll.id, "person": person, "slot": slot, "option": option, "voted_at": now}
    if insert_ignore(conn, _vote, row, ("poll_id", "person", "slot")):
        return Cast.NEW
    moved = conn.execute(
        update(_vote)
        .where(
            _vote.c.poll_id == poll.id,
            _vote.c.person == person,
            _vote.c.slot == slot,
            _vote.c.option != option,
        )
        .values(option=option, voted_at=now)
    ).rowcount
    return Cast.CHANGED if moved == 1 else Cast.SAME


def close(conn: Connection, poll_id: int) -> bool:
    """``open -> closed``; True for the one caller that closed it."""
    return bool(
        conn.execute(
            update(_poll)
            .where(_poll.c.id == poll_id, _poll.c.state == "open")
            .values(state="closed")
        ).rowcount
        == 1
    )


def votes(conn: Connection, poll_id: int) -> list[tuple[str, int]]:
    """(person, option) of every vote, oldest first."""
    rows = conn.execute(
        select(_vote.c.person, _vote.c.option)
        .where(_vote.c.poll_id == poll_id)
        .order_by(_vote.c.voted_at, _vote.c.person)
    )
    return [(r.person, int(r.option)) for r in rows]
