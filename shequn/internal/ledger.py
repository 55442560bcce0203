"""The points ledger every plugin uses: append-only rows, a balance that never goes negative.

A posting is keyed: the same ``key`` posted twice is recorded once, whatever the concurrency
(the unique index decides, never a read-then-write). Several postings go through together or
not at all, so a transfer or a paid redemption can never half-happen.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, bindparam, func, select, update

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


# Built once: constructing statements costs more than SQLite takes to run them.
_debit = (
    update(_balance)
    .where(
        _balance.c.person == bindparam("b_person"),
        _balance.c.community == bindparam("b_community"),
        _balance.c.balance + bindparam("b_amount") >= 0,
    )
    .values(balance=_balance.c.balance + bindparam("b_amount"))
)
_balance_of = select(_balance.c.balance).where(
    _balance.c.person == bindparam("b_person"), _balance.c.community == bindparam("b_community")
)


def post(
    conn: Connection, postings: Sequence[Posting], now: float, *, savepoint: bool = True
) -> Outcome:
    """Record ``postings`` all together or not at all, inside the caller's transaction.

    With ``savepoint=False`` the caller already runs inside its own savepoint and must roll
    it back when the outcome is not ``APPLIED`` (a posting may have been half written).
    """
    if not savepoint:
        return _post_all(conn, postings, now)
    try:
        with conn.begin_nested():
            outcome = _post_all(conn, postings, now)
            if outcome is not Outcome.APPLIED:
                raise _Abort(outcome)
    except _Abort as abort:
        return abort.outcome
    return Outcome.APPLIED


def _post_all(conn: Connection, postings: Sequence[Posting], now: float) -> Outcome:
    for p in postings:
        row = {
            "person": p.person,
            "community": p.community,
            "group_key": p.group_key,
            "amount": p.amount,
            "reason": p.reason[:200],
            "plugin": p.plugin,
            "idem_key": p.key,
            "created_at": now,
        }
        if not insert_ignore(conn, _ledger, row, ("idem_key",)):
            return Outcome.DUPLICATE
        if p.amount >= 0:
            keys = {"person": p.person, "community": p.community}
            upsert_add(conn, _balance, keys, "balance", p.amount)
            continue
        params = {"b_person": p.person, "b_community": p.community, "b_amount": p.amount}
        if conn.execute(_debit, params).rowcount != 1:
            return Outcome.INSUFFICIENT
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


def count_holders(conn: Connection, community: str) -> int:
    """Members of ``community`` with points (an index range scan: O(members))."""
    in_community = (_balance.c.community == community, _balance.c.balance > 0)
    return int(conn.execute(select(func.count()).where(*in_community)).scalar_one())


def standing(conn: Connection, person: str, community: str, holders: int | None = None) -> Standing:
    """``holders`` when the caller knows it (see :class:`Ledger`), else counted."""
    balance = balance_of(conn, person, community)
    if holders is None:
        holders = count_holders(conn, community)
    if balance <= 0:
        return Standing(balance, None, holders)
    above = conn.execute(
        select(func.count()).where(_balance.c.community == community, _balance.c.balance > balance)
    ).scalar_one()
    return Standing(balance, int(above) + 1, holders)


def balance_of(conn: Connection, person: str, community: str) -> int:
    value = conn.execute(_balance_of, {"b_person": person, "b_community": community}).scalar()
    return int(value or 0)


def top(conn: Connection, community: str, limit: int) -> list[tuple[str, int]]:
    rows = conn.execute(
        select(_balance.c.person, _balance.c.balance)
        .where(_balance.c.community == community, _balance.c.balance > 0)
        .order_by(_balance.c.balance.desc(), _balance.c.person)
        .limit(limit)
    )
    return [(r.person, int(r.balance)) for r in rows]


def count_postings(
    conn: Connection, person: str, community: str, *, plugin: str | None = None, since: float = 0.0
) -> int:
    """How many credits ``person`` received in ``community`` since ``since`` (from ``plugin``).

    Other plugins read activity this way (e.g. sign-ins are the ``signin`` plugin's credits)
    without importing the plugin that made them.
    """
    query = select(func.count()).where(
        _ledger.c.person == person,
        _ledger.c.community == community,
        _ledger.c.amount > 0,
        _ledger.c.created_at >= since,
    )
    if plugin is not None:
        query = query.where(_ledger.c.plugin == plugin)
    return int(conn.execute(query).scalar_one())


def credits_by_person(
    conn: Connection, community: str, *, since: float = 0.0, plugin: str | None = None
) -> dict[str, int]:
    """Credits per person in ``community`` since ``since``: a cheap measure of activity."""
    query = (
        select(_ledger.c.person, func.count())
        .where(
            _ledger.c.community == community,
            _ledger.c.amount > 0,
            _ledger.c.created_at >= since,
        )
        .group_by(_ledger.c.person)
    )
    if plugin is not None:
        query = query.where(_ledger.c.plugin == plugin)
    return {str(person): int(count) for person, count in conn.execute(query)}


HOLDERS_CACHE_FROM = 10_000
"""Communities with at least this many point holders get their count cached."""
HOLDERS_TTL = 30.0


class Ledger:
    """Async access to the ledger; writes share transactions through group commit."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._holders: dict[str, tuple[float, int]] = {}

    async def post(self, *postings: Posting) -> Outcome:
        now = self._clock.now().timestamp()
        return await self._db.write(lambda conn: post(conn, postings, now), "ledger")

    async def balance(self, person: str, community: str) -> int:
        return await self._db.read(lambda conn: balance_of(conn, person, community))

    async def standing(self, person: str, community: str) -> Standing:
        """Balance, place and how many hold points. In a community of more than
        ``HOLDERS_CACHE_FROM`` holders that last count is reused for ``HOLDERS_TTL`` seconds:
        counting a million balances per ``/rank`` took most of its time, and "of 1,000,000"
        a few seconds old is still true enough."""
        cached = self._holders.get(community)
        now = time.monotonic()
        known = cached[1] if cached is not None and now - cached[0] < HOLDERS_TTL else None
        found = await self._db.read(lambda conn: standing(conn, person, community, known))
        if known is None and found.holders >= HOLDERS_CACHE_FROM:
            self._holders[community] = (now, found.holders)
        return found

    async def top(self, community: str, limit: int = 10) -> list[tuple[str, int]]:
        return await self._db.read(lambda conn: top(conn, community, limit))

    async def count(
        self, person: str, community: str, *, plugin: str | None = None, since: float = 0.0
    ) -> int:
        """Credits of ``person`` in ``community`` since ``since``, optionally from one plugin."""
        return await self._db.read(
            lambda conn: count_postings(conn, person, community, plugin=plugin, since=since)
        )

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


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger row, as other plugins read it to measure activity."""

    person: str
    amount: int
    reason: str
    key: str
    created_at: float


def entries(
    conn: Connection,
    community: str,
    plugin: str,
    *,
    since: float = 0.0,
    person: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Rows ``plugin`` posted in ``community`` since ``since`` (for one ``person``), oldest
    first (e.g. the ``signin`` plugin's rows tell who signed in on which day, through their
    keys)."""
    query = (
        select(
            _ledger.c.person,
            _ledger.c.amount,
            _ledger.c.reason,
            _ledger.c.idem_key,
            _ledger.c.created_at,
        )
        .where(
            _ledger.c.community == community,
            _ledger.c.plugin == plugin,
            _ledger.c.created_at >= since,
        )
        .order_by(_ledger.c.id)
        .limit(limit)
    )
    if person is not None:
        query = query.where(_ledger.c.person == person)
    rows = conn.execute(query)
    return [
        Entry(str(r.person), int(r.amount), str(r.reason), str(r.idem_key), float(r.created_at))
        for r in rows
    ]
