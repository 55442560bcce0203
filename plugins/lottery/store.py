"""Lottery rows and their points, written by the core's group-commit writer.

Every function is synchronous and takes the writer's (or a reader's) connection. State moves
by conditional updates only (``... WHERE state = 'open'``), entries are unique by key, and an
entry's cost or a refund is a keyed ledger posting in the same savepoint as the row it pays
for: a draw, an entry, a refund each happen once, whatever the concurrency or redelivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Connection, select, update

from shequn import Outcome, Posting
from shequn.ledger import post
from shequn.storage import insert_ignore, insert_ignore_returning

from .fairness import entry_digest, pick, ranking
from .models import Lottery, LotteryEntry, LotteryMember

PLUGIN = "lottery"
CHUNK = 500
"""Keys per ``IN (...)`` list."""

_lottery = Lottery.__table__  # type: ignore[attr-defined]
_entry = LotteryEntry.__table__  # type: ignore[attr-defined]
_member = LotteryMember.__table__  # type: ignore[attr-defined]


class Refusal(StrEnum):
    CLOSED = "closed"
    ALREADY = "already"
    INSUFFICIENT = "insufficient"


@dataclass(frozen=True, slots=True)
class Entered:
    entrants: int
    full: bool


@dataclass(frozen=True, slots=True)
class Drawn:
    lottery: Lottery
    round: int
    winners: list[str]
    candidates: int
    """Entrants still in the group when this round was picked, earlier winners excluded."""
    entries: int
    digest: str


class _Undo(Exception):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


# -- lotteries -------------------------------------------------------------------------------


def create(conn: Connection, values: dict[str, Any]) -> int | None:
    """Insert a lottery; None when its ``origin`` event created one already."""
    found = insert_ignore_returning(conn, _lottery, values, ("origin",), "id")
    return None if found is None else int(found)


def get(conn: Connection, lottery_id: int) -> Lottery | None:
    row = conn.execute(select(_lottery).where(_lottery.c.id == lottery_id)).first()
    return None if row is None else Lottery.model_validate(dict(row._mapping))


def in_group(conn: Connection, group_key: str, states: Sequence[str], limit: int) -> list[Lottery]:
    rows = conn.execute(
        select(_lottery)
        .where(_lottery.c.group_key == group_key, _lottery.c.state.in_(list(states)))
        .order_by(_lottery.c.id.desc())
        .limit(limit)
    )
    return [Lottery.model_validate(dict(r._mapping)) for r in rows]


def unfinished(conn: Connection) -> list[Lottery]:
    """Open lotteries, and drawn ones whose last round was not announced (for start-up)."""
    rows = conn.execute(
        select(_lottery).where(
            (_lottery.c.state == "open")
            | ((_lottery.c.state == "drawn") & (_lottery.c.announced < _lottery.c.rounds))
        )
    )
    return [Lottery.model_validate(dict(r._mapping)) for r in rows]


# -- entries ---------------------------------------------------------------------------------


def enter(
    conn: Connection,
    lottery: Lottery,
    person: str,
    account: str,
    group_key: str,
    now: float,
) -> Entered | Refusal:
    """Enter ``person`` once, paying the cost, while the lottery is open and not full."""
    assert lottery.id is not None
    try:
        with conn.begin_nested():
            raised = conn.execute(
                update(_lottery)
                .where(
                    _lottery.c.id == lottery.id,
                    _lottery.c.state == "open",
                    _lottery.c.ends_at > now,
                    _lottery.c.max_entrants.is_(None)
                    | (_lottery.c.entrants < _lottery.c.max_entrants),
                )
                .values(entrants=_lottery.c.entrants + 1)
            ).rowcount
            if raised != 1:
                raise _Undo(Refusal.CLOSED)
            row = {
                "lottery_id": lottery.id,
                "person": person,
                "account": account,
                "paid": lottery.cost,
                "entered_at": now,
            }
            if not insert_ignore(conn, _entry, row, ("lottery_id", "person")):
                raise _Undo(Refusal.ALREADY)
            if lottery.cost > 0:
                posting = Posting(
                    person,
                    lottery.community,
                    -lottery.cost,
                    f"lottery #{lottery.id} entry",
                    f"lottery:entry:{lottery.id}:{person}",
                    group_key,
                    PLUGIN,
                )
                if post(conn, [posting], now, savepoint=False) is not Outcome.APPLIED:
                    raise _Undo(Refusal.INSUFFICIENT)
            count = int(
                conn.execute(
                    select(_lottery.c.entrants).where(_lottery.c.id == lottery.id)
                ).scalar_one()
            )
    except _Undo as undo:
        if undo.refusal is Refusal.CLOSED and has_entered(conn, lottery.id, person):
            return Refusal.ALREADY
        return undo.refusal
    full = lottery.max_entrants is not None and count >= lottery.max_entrants
    return Entered(count, full)


def has_entered(conn: Connection, lottery_id: int, person: str) -> bool:
    found = conn.execute(
        select(_entry.c.person).where(_entry.c.lottery_id == lottery_id, _entry.c.person == person)
    ).first()
    return found is not None


class EntryRow(NamedTuple):
    """What a draw, a replay and a refund read of an entry.

    A plain tuple, not the ORM model: a draw reads every entry, and validating 100,000
    models took most of a draw's time."""

    person: str
    account: str
    paid: int
    excluded_round: int | None
    winner_round: int | None


_entry_columns = [_entry.c[name] for name in EntryRow._fields]


def entries(conn: Connection, lottery_id: int) -> list[EntryRow]:
    rows = conn.execute(
        select(*_entry_columns).where(_entry.c.lottery_id == lottery_id).order_by(_entry.c.person)
    )
    return [EntryRow(*r) for r in rows]


def winners_by_round(conn: Connection, lottery_id: int) -> dict[int, list[str]]:
    rows = conn.execute(
        select(_entry.c.person, _entry.c.winner_round).where(
            _entry.c.lottery_id == lottery_id, _entry.c.winner_round.is_not(None)
        )
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(int(row.winner_round), []).append(str(row.person))
    return found


# -- draws -----------------------------------------------------------------------------------


def _left_accounts(conn: Connection, group_key: str) -> set[str]:
    rows = conn.execute(
        select(_member.c.account).where(
            _member.c.group_key == group_key, _member.c.left_at.is_not(None)
        )
    )
    return {str(r.account) for r in rows}


def _mark(conn: Connection, lottery_id: int, persons: Sequence[str], **values: int) -> None:
    for chunk in _chunks(persons):
        conn.execute(
            update(_entry)
            .where(_entry.c.lottery_id == lottery_id, _entry.c.person.in_(list(chunk)))
            .values(**values)
        )


def _pay_prizes(conn: Connection, lottery: Lottery, winners: Sequence[str], now: float) -> None:
    if lottery.prize_points <= 0:
        return
    for person in winners:
        posting = Posting(
            person,
            lottery.community,
            lottery.prize_points,
            f"lottery #{lottery.id} prize",
            f"lottery:prize:{lottery.id}:{person}",
            lottery.group_key,
            PLUGIN,
        )
        post(conn, [posting], now)  # keyed: a second payment is a no-op


def _pick_round(conn: Connection, lottery: Lottery, number: int, count: int, now: float) -> Drawn:
    """Exclude who left, pick ``count`` of the rest in ranking order, record and pay."""
    assert lottery.id is not None
    rows = entries(conn, lottery.id)
    left = _left_accounts(conn, lottery.group_key)
    newly_gone = [e.person for e in rows if e.excluded_round is None and e.account in left]
    _mark(conn, lottery.id, newly_gone, excluded_round=number)
    gone = {e.person for e in rows if e.excluded_round is not None} | set(newly_gone)
    taken = {e.person for e in rows if e.winner_round is not None}
    persons = [e.person for e in rows]
    skip = gone | taken
    chosen = pick(ranking(lottery.seed, persons), count, skip)
    _mark(conn, lottery.id, chosen, winner_round=number)
    _pay_prizes(conn, lottery, chosen, now)
    return Drawn(
        lottery=lottery,
        round=number,
        winners=chosen,
        candidates=len([p for p in persons if p not in skip]),
        entries=len(persons),
        digest=entry_digest(persons),
    )


def draw(conn: Connection, lottery_id: int, now: float) -> Drawn | None:
    """The draw: ``open -> drawing -> drawn`` in one transaction; None if not open (any more)."""
    claimed = conn.execute(
        update(_lottery)
        .where(_lottery.c.id == lottery_id, _lottery.c.state == "open")
        .values(state="drawing")
    ).rowcount
    if claimed != 1:
        return None
    lottery = get(conn, lottery_id)
    assert lottery is not None
    result = _pick_round(conn, lottery, 1, lottery.winners, now)
    conn.execute(
        update(_lottery)
        .where(_lottery.c.id == lottery_id, _lottery.c.state == "drawing")
        .values(state="drawn", rounds=1, drawn_at=now)
    )
    return result


def reroll(conn: Connection, lottery_id: int, count: int, now: float) -> Drawn | None:
    """A further round after the draw; None unless the lottery is drawn."""
    lottery = get(conn, lottery_id)
    if lottery is None or lottery.state != "drawn":
        return None
    number = lottery.rounds + 1
    moved = conn.execute(
        update(_lottery)
        .where(
            _lottery.c.id == lottery_id,
            _lottery.c.state == "drawn",
            _lottery.c.rounds == lottery.rounds,
        )
        .values(rounds=number)
    ).rowcount
    if moved != 1:
        return None
    return _pick_round(conn, lottery, number, count, now)


def claim_announcement(conn: Connection, lottery_id: int, number: int) -> bool:
    """True once per round: whoever wins this update announces the round."""
    return bool(
        conn.execute(
            update(_lottery)
            .where(_lottery.c.id == lottery_id, _lottery.c.announced < number)
            .values(announced=number)
        ).rowcount
        == 1
    )


def result_of(conn: Connection, lottery_id: int, number: int) -> Drawn | None:
    """A recorded round, rebuilt for announcing it again (after a restart)."""
    lottery = get(conn, lottery_id)
    if lottery is None or lottery.state != "drawn":
        return None
    rows = entries(conn, lottery_id)
    persons = [e.person for e in rows]
    winners = [e.person for e in rows if e.winner_round == number]
    skip = {
        e.person
        for e in rows
        if (e.winner_round is not None and e.winner_round < number)
        or (e.excluded_round is not None and e.excluded_round <= number)
    }
    return Drawn(
        lottery=lottery,
        round=number,
        winners=winners,
        candidates=len([p for p in persons if p not in skip]),
        entries=len(persons),
        digest=entry_digest(persons),
    )


@dataclass(frozen=True, slots=True)
class Cancelled:
    refunded: int
    points: int


def cancel(conn: Connection, lottery_id: int, now: float) -> Cancelled | None:
    """``open -> cancelled`` and every entry cost back, each refund keyed; None if not open."""
    lottery = get(conn, lottery_id)
    moved = conn.execute(
        update(_lottery)
        .where(_lottery.c.id == lottery_id, _lottery.c.state == "open")
        .values(state="cancelled")
    ).rowcount
    if moved != 1 or lottery is None:
        return None
    refunded = points = 0
    for entry in entries(conn, lottery_id):
        if entry.paid <= 0:
            continue
        posting = Posting(
            entry.person,
            lottery.community,
            entry.paid,
            f"lottery #{lottery_id} cancelled",
            f"lottery:refund:{lottery_id}:{entry.person}",
            lottery.group_key,
            PLUGIN,
        )
        if post(conn, [posting], now) is Outcome.APPLIED:
            refunded += 1
            points += entry.paid
    return Cancelled(refunded, points)


# -- members ---------------------------------------------------------------------------------


def member_joined(conn: Connection, group_key: str, account: str, now: float) -> None:
    done = conn.execute(
        update(_member)
        .where(_member.c.group_key == group_key, _member.c.account == account)
        .values(since=now, left_at=None)
    ).rowcount
    if not done:
        insert_ignore(
            conn,
            _member,
            {"group_key": group_key, "account": account, "since": now, "left_at": None},
            ("group_key", "account"),
        )


def member_left(conn: Connection, group_key: str, account: str, now: float) -> None:
    done = conn.execute(
        update(_member)
        .where(_member.c.group_key == group_key, _member.c.account == account)
        .values(left_at=now)
    ).rowcount
    if not done:
        insert_ignore(
            conn,
            _member,
            {"group_key": group_key, "account": account, "since": now, "left_at": now},
            ("group_key", "account"),
        )


def member_seen(conn: Connection, group_key: str, account: str, now: float) -> None:
    """A message proves presence: first sight starts ``since``; a leave is forgotten."""
    values = {"group_key": group_key, "account": account, "since": now, "left_at": None}
    if not insert_ignore(conn, _member, values, ("group_key", "account")):
        conn.execute(
            update(_member)
            .where(
                _member.c.group_key == group_key,
                _member.c.account == account,
                _member.c.left_at.is_not(None),
            )
            .values(left_at=None)
        )


def member_since(conn: Connection, group_key: str, account: str) -> float | None:
    row = conn.execute(
        select(_member.c.since, _member.c.left_at).where(
            _member.c.group_key == group_key, _member.c.account == account
        )
    ).first()
    if row is None or row.left_at is not None:
        return None
    return float(row.since)
