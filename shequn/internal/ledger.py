"""The points ledger every plugin uses: append-only rows, a balance that never goes negative.

A posting is keyed: the same ``key`` posted twice is recorded once, whatever the concurrency
(the unique index decides, never a read-then-write). Several postings go through together or
not at all, so a transfer or a paid redemption can never half-happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, func, select, update

from shequn.internal.clock import Clock
from shequn.internal.models import Balance, LedgerEntry
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore, upsert_add

_ledger = LedgerEntry.__table__  # type: ignore[attr-defined]
_balance = Balance.__table__  # type: ignore[attr-defined]


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    """The key was posted before: nothing changed this time."""
    INSUFFICIENT = "insufficient"
    """A debit would have made a balance negative: nothing changed."""


@dataclass(frozen=True, slots=True)
class Posting:
    person: str
    community: str
    amount: int
    reason: str
    key: str
    """Idempotency key, unique across the whole ledger (e.g. ``signin:<person>:<day>``)."""
    group_key: str = ""
    plugin: str = ""


class _Abort(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def post(conn: Connection, postings: Sequence[Posting], now: float) -> Outcome:
    """Record ``postings`` all together or not at all, inside the caller's transaction."""
    try:
        with conn.begin_nested():
            for p in postings:
                inserted = insert_ignore(
                    conn,
                    _ledger,
                    {
                        "person": p.person,
                        "community": p.community,
                        "group_key": p.group_key,
                        "amount": p.amount,
                        "reason": p.reason[:200],
                        "plugin": p.plugin,
                        "idem_key": p.key,
                        "created_at": now,
                    },
                    ("idem_key",),
                )
                if not inserted:
                    raise _Abort(Outcome.DUPLICATE)
                if p.amount >= 0:
                    upsert_add(
                        conn,
                        _balance,
                        {"person": p.person, "community": p.community},
                        "balance",
                        p.amount,
                    )
                    continue
                changed = conn.execute(
                    update(_balance)
                    .where(
                        _balance.c.person == p.person,
                        _balance.c.community == p.community,
                        _balance.c.balance + p.amount >= 0,
                    )
                    .values(balance=_balance.c.balance + p.amount)
                ).rowcount
                if changed != 1:
                    raise _Abort(Outcome.INSUFFICIENT)
    except _Abort as abort:
        return abort.outcome
    return Outcome.APPLIED


def move(
    conn: Connection,
    source: tuple[str, str],
    target: tuple[str, str],
    amount: int,
    reason: str,
    key: str,
    now: float,
) -> Outcome:
    """Move ``amount`` from (person, community) ``source`` to ``target`` as two postings."""
    return post(
        conn,
        [
            Posting(source[0], source[1], -amount, reason, f"{key}:out"),
            Posting(target[0], target[1], amount, reason, f"{key}:in"),
        ],
        now,
    )


def balances_where(
    conn: Connection, *, person: str | None = None, community: str | None = None
) -> list[tuple[str, str, int]]:
    """Positive balances as (person, community, balance), filtered by person or community."""
    query = select(_balance.c.person, _balance.c.community, _balance.c.balance).where(
        _balance.c.balance > 0
    )
    if person is not None:
        query = query.where(_balance.c.person == person)
    if community is not None:
        query = query.where(_balance.c.community == community)
    return [(r.person, r.community, int(r.balance)) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a member stands in a community."""

    balance: int
    rank: int | None
    """1 for the top, shared on equal balances; None without points."""
    holders: int
    """Members of the community with points."""


def standing(conn: Connection, person: str, community: str) -> Standing:
    balance = balance_of(conn, person, community)
    in_community = (_balance.c.community == community, _balance.c.balance > 0)
    holders = int(conn.execute(select(func.count()).where(*in_community)).scalar_one())
    if balance <= 0:
        return Standing(balance, None, holders)
    above = conn.execute(
        select(func.count()).where(_balance.c.community == community, _balance.c.balance > balance)
    ).scalar_one()
    return Standing(balance, int(above) + 1, holders)


def balance_of(conn: Connection, person: str, community: str) -> int:
    value = conn.execute(
        select(_balance.c.balance).where(
            _balance.c.person == person, _balance.c.community == community
        )
    ).scalar_one_or_none()
    return int(value or 0)


def top(conn: Connection, community: str, limit: int) -> list[tuple[str, int]]:
    rows = conn.execute(
        select(_balance.c.person, _balance.c.balance)
        .where(_balance.c.community == community, _balance.c.balance > 0)
        .order_by(_balance.c.balance.desc(), _balance.c.person)
        .limit(limit)
    )
    return [(r.person, int(r.balance)) for r in rows]


class Ledger:
    """Async access to the ledger; writes share transactions through group commit."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def post(self, *postings: Posting) -> Outcome:
        now = self._clock.now().timestamp()
        return await self._db.write(lambda conn: post(conn, postings, now), "ledger")

    async def balance(self, person: str, community: str) -> int:
        return await self._db.read(lambda conn: balance_of(conn, person, community))

    async def standing(self, person: str, community: str) -> Standing:
        return await self._db.read(lambda conn: standing(conn, person, community))

    async def top(self, community: str, limit: int = 10) -> list[tuple[str, int]]:
        return await self._db.read(lambda conn: top(conn, community, limit))

    async def history(self, person: str, community: str, limit: int = 10) -> list[LedgerEntry]:
        def read(conn: Connection) -> list[LedgerEntry]:
            rows = conn.execute(
                select(_ledger)
                .where(_ledger.c.person == person, _ledger.c.community == community)
                .order_by(_ledger.c.id.desc())
                .limit(limit)
            )
            return [LedgerEntry.model_validate(dict(r._mapping)) for r in rows]

        return await self._db.read(read)
