"""Terms as synchronous functions run inside the core's writer (``ctx.app.db.write``).
A renewal bumps the round by a conditional update and pays in the same savepoint; a stage
changes only from the expected stages of the same round, so each reminder, each lapse and
each payment happens once whatever the concurrency, redelivery or restarts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from shequn import Outcome, Posting
from shequn.ledger import post
from shequn.storage import insert_ignore

from .models import TermRow

_term = TermRow.__table__  # type: ignore[attr-defined]

PLUGIN = "club"


class _Undo(Exception):
    def __init__(self, outcome: Outcome | None) -> None:
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class Member:
    group_key: str
    community: str
    person: str
    account: str
    name: str


@dataclass(frozen=True, slots=True)
class Renewed:
    term: TermRow
    was: str
    """The stage before the renewal (``new`` for a first term)."""
    was_action: str
    """What the last lapse did (``mute`` means the mute is to be lifted)."""


@dataclass(frozen=True, slots=True)
class Unpaid:
    outcome: Outcome


def term_key(group_key: str, person: str) -> str:
    """A short stable key of a term, for job and ledger keys of bounded length."""
    return hashlib.sha256(f"{group_key}\n{person}".encode()).hexdigest()[:24]


def get(conn: Connection, group_key: str, person: str) -> TermRow | None:
    row = conn.execute(
        select(_term).where(_term.c.group_key == group_key, _term.c.person == person)
    ).first()
    return None if row is None else TermRow(**row._mapping)


def roster(conn: Connection, group_key: str) -> list[TermRow]:
    rows = conn.execute(
        select(_term)
        .where(_term.c.group_key == group_key, _term.c.round > 0)
        .order_by(_term.c.ends_at, _term.c.person)
    )
    return [TermRow(**row._mapping) for row in rows]


def renew(
    conn: Connection, member: Member, seconds: float, cost: int, now: float
) -> Renewed | Unpaid | None:
    """Extend the term by ``seconds`` (from its end, or from now when it has ended) and pay
    ``cost``; None when a concurrent renewal changed the term first."""
    try:
        with conn.begin_nested():
            fresh = {
                "group_key": member.group_key,
                "person": member.person,
                "community": member.community,
                "account": member.account,
                "name": member.name[:200],
                "started_at": now,
                "ends_at": now,
                "stage": "new",
                "round": 0,
                "action": "",
                "updated_at": now,
            }
            insert_ignore(conn, _term, fresh, ("group_key", "person"))
            term = get(conn, member.group_key, member.person)
            assert term is not None
            restart = term.stage in ("new", "lapsed")
            ends = max(term.ends_at, now) + seconds
            changed = conn.execute(
                update(_term)
                .where(
                    _term.c.group_key == member.group_key,
                    _term.c.person == member.person,
                    _term.c.round == term.round,
                )
                .values(
                    ends_at=ends,
                    round=term.round + 1,
                    stage="active",
                    action="",
                    account=member.account,
                    name=member.name[:200],
                    started_at=now if restart else term.started_at,
                    updated_at=now,
                )
            ).rowcount
            if changed != 1:
                raise _Undo(None)
            if cost:
                key = f"club:{term_key(member.group_key, member.person)}:renew:{term.round + 1}"
                posting = Posting(member.person, member.community, -cost, "club renewal", key,
                                  member.group_key, PLUGIN)  # fmt: skip
                outcome = post(conn, [posting], now, savepoint=False)
                if outcome is not Outcome.APPLIED:
                    raise _Undo(outcome)
    except _Undo as undo:
        return None if undo.outcome is None else Unpaid(undo.outcome)
    renewed = get(conn, member.group_key, member.person)
    assert renewed is not None
    return Renewed(renewed, term.stage, term.action)


def advance(
    conn: Connection,
    group_key: str,
    person: str,
    round_: int,
    stages: tuple[str, ...],
    to: str,
    now: float,
    *,
    ended: bool,
    action: str = "",
) -> TermRow | None:
    """Move the term of round ``round_`` from one of ``stages`` to ``to`` once: the term
    when this call moved it, else None (renewed, moved already, or not yet/no longer due)."""
    due = _term.c.ends_at <= now if ended else _term.c.ends_at > now
    changed = conn.execute(
        update(_term)
        .where(
            _term.c.group_key == group_key,
            _term.c.person == person,
            _term.c.round == round_,
            _term.c.stage.in_(stages),
            due,
        )
        .values(stage=to, action=action, updated_at=now)
    ).rowcount
    return get(conn, group_key, person) if changed == 1 else None
