"""Linking accounts into one person, with the consent of both accounts.

A code is shown only to the account that asked for it, in private. The other account
redeems it (it becomes the code's *claimant*), and the accounts join only when the issuing
account confirms before the code expires; either account can refuse meanwhile. The code's
row is taken by a conditional delete, so a double click or a redelivered confirmation links
once. ``unlink`` undoes a link. Every link and unlink is written to the core audit log in the
same transaction.

What follows a person: points (moved here, as balances), and whatever plugins key by person
(streaks, titles). What never follows: permission, which comes only from the account that
acts (see ``App.level_of``).

When an account leaves, points stay with the person, who is known by the key of its first
account: a linked account that leaves starts afresh with nothing; when that first account
itself unlinks, the other accounts leave it instead (each starting afresh) and it keeps the
points.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update

from shequn.internal.audit import Audited, record
from shequn.internal.clock import Clock
from shequn.internal.forget import register
from shequn.internal.identity import CACHE, Identity
from shequn.internal.ledger import Outcome, balances_where, move
from shequn.internal.models import Account, LinkCode
from shequn.internal.state_sync import bump
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import upsert

_account = Account.__table__  # type: ignore[attr-defined]
_code = LinkCode.__table__  # type: ignore[attr-defined]

LINK_CODE_TTL = 600.0
"""Seconds during which a code can be redeemed and the link confirmed."""
CODE_LENGTH = 6
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I

# A pending link is the members' own: forgetting either account deletes it.
register("core_link_code", "issuer", "delete")
register("core_link_code", "claimant", "delete")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a link operation did nothing: a core translation key."""

    key: str


@dataclass(frozen=True, slots=True)
class Claimed:
    """A code was redeemed; its issuer must now confirm."""

    code: str
    issuer: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class Linked:
    """The claimant's person joined the issuer's: ``moved`` are the accounts that moved."""

    issuer: str
    claimant: str
    person: str
    moved: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Declined:
    """A pending link was refused by ``by``; ``other`` is the account to tell (if any)."""

    by: str
    other: str | None


@dataclass(frozen=True, slots=True)
class Unlinked:
    """``released`` accounts left ``person`` and are each their own person again."""

    person: str
    released: tuple[str, ...]


def _person(conn: Connection, account: str) -> str:
    row = conn.execute(select(_account.c.person).where(_account.c.key == account)).first()
    return str(row.person) if row is not None else account


def _members(conn: Connection, person: str) -> list[str]:
    """Accounts whose rows point at ``person`` (not the account named ``person`` itself)."""
    rows = conn.execute(select(_account.c.key).where(_account.c.person == person))
    return [str(r.key) for r in rows if r.key != person]


class Links:
    """Issue, redeem, confirm and refuse link codes; undo links. Stateless but for the
    identity cache it keeps current, so it can be made wherever ``app`` is at hand."""

    def __init__(self, db: Database, clock: Clock, identity: Identity) -> None:
        self._db = db
        self._clock = clock
        self._identity = identity

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def issue(self, account: str) -> tuple[str, float]:
        """A fresh code for ``account`` and when it expires (an earlier code of it is void)."""
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        expires = self._now() + LINK_CODE_TTL

        def write(conn: Connection) -> None:
            stale = (_code.c.issuer == account) | (_code.c.expires_at < expires - LINK_CODE_TTL)
            conn.execute(delete(_code).where(stale))
            conn.execute(_code.insert().values(code=code, issuer=account, expires_at=expires))

        await self._db.write(write)
        return code, expires

    async def claim(self, account: str, code: str) -> Claimed | Refusal:
        """``account`` redeems ``code``; nothing is linked until the issuer confirms."""
        code = code.strip().upper()[:32]
        now = self._now()

        def write(conn: Connection) -> Claimed | Refusal:
            row = conn.execute(select(_code).where(_code.c.code == code)).first()
            if row is None or row.expires_at < now:
                return Refusal("link.bad_code")
            issuer = str(row.issuer)
            if issuer == account:
                return Refusal("link.own_code")
            if row.claimant is not None and row.claimant != account:
                return Refusal("link.bad_code")  # taken: say no more than for a wrong code
            if _person(conn, issuer) == _person(conn, account):
                return Refusal("link.same_person")
            if row.claimant is None:
                # Conditional: of two accounts redeeming the code at once, one claims it.
                taken = conn.execute(
                    update(_code)
                    .where(_code.c.code == code, _code.c.claimant.is_(None))
                    .values(claimant=account)
                ).rowcount
                if taken != 1:
                    return Refusal("link.bad_code")
            return Claimed(code, issuer, float(row.expires_at))

        return await self._db.write(write)

    async def confirm(self, issuer: str, code: str | None = None) -> Linked | Refusal:
        """The issuing account confirms the pending claim of its code (``code``: only that
        one, as a button names it). Exactly once: the code's row is taken by a delete."""
        now = self._now()

        def write(conn: Connection) -> Linked | Refusal:
            query = select(_code).where(_code.c.issuer == issuer)
            if code is not None:
                query = query.where(_code.c.code == code)
            row = conn.execute(query).first()
            if row is None or row.claimant is None:
                return Refusal("link.nothing_pending")
            if row.expires_at < now:
                conn.execute(delete(_code).where(_code.c.code == row.code))
                return Refusal("link.expired")
            taken = conn.execute(
                delete(_code).where(
                    _code.c.code == row.code,
                    _code.c.claimant == row.claimant,
                    _code.c.expires_at >= now,
                )
            ).rowcount
            if taken != 1:
                return Refusal("link.nothing_pending")
            return _join(conn, issuer, str(row.claimant), now)

        linked = await self._db.write(write)
        if isinstance(linked, Linked):
            self._identity.joined(linked.moved, linked.person)
        return linked

    async def refuse(self, account: str, code: str | None = None) -> Declined | Refusal:
        """Either account drops a pending link: the issuer its code (claimed or not), the
        claimant its claim. ``code``: only that one, as a button names it."""
        now = self._now()

        def write(conn: Connection) -> Declined | Refusal:
            mine = (_code.c.issuer == account) | (_code.c.claimant == account)
            query = select(_code).where(mine, _code.c.expires_at >= now)
            if code is not None:
                query = query.where(_code.c.code == code)
            for row in conn.execute(query).all():
                if conn.execute(delete(_code).where(_code.c.code == row.code)).rowcount != 1:
                    continue
                if row.issuer == account:
                    claimant = str(row.claimant) if row.claimant is not None else None
                    return Declined(account, claimant)
                return Declined(account, str(row.issuer))
            return Refusal("link.nothing_pending")

        return await self._db.write(write)

    async def unlink(self, account: str) -> Unlinked | Refusal:
        now = self._now()

        def write(conn: Connection) -> Unlinked | Refusal:
            person = _person(conn, account)
            released = [account] if person != account else _members(conn, person)
            if not released:
                return Refusal("unlink.not_linked")
            for key in released:
                row = conn.execute(select(_account).where(_account.c.key == key)).first()
                linked_at = row.linked_at if row is not None else now
                conn.execute(delete(_account).where(_account.c.key == key))
                entry = Audited(
                    f"unlink:{key}:{person}:{linked_at}", "", "", account, "unlink", key, person,
                    "core",
                )  # fmt: skip
                record(conn, entry, now)
            bump(conn, CACHE)
            return Unlinked(person, tuple(released))

        unlinked = await self._db.write(write)
        if isinstance(unlinked, Unlinked):
            self._identity.left(unlinked.released)
        return unlinked


def _join(conn: Connection, issuer: str, claimant: str, now: float) -> Linked | Refusal:
    """Move the claimant's whole person (its accounts, its balances) into the issuer's."""
    person = _person(conn, issuer)
    old = _person(conn, claimant)
    if person == old:
        return Refusal("link.same_person")
    moved = list(dict.fromkeys([claimant, old, *_members(conn, old)]))
    for key in moved:
        upsert(conn, _account, {"key": key}, {"person": person, "linked_at": now})
        entry = Audited(
            f"link:{key}:{person}:{now}", "", "", issuer, "link", key, person, "core"
        )  # fmt: skip
        record(conn, entry, now)
    for _, community, amount in balances_where(conn, person=old):
        key = f"link:{old}:{person}:{community}:{now}"
        outcome = move(conn, (old, community), (person, community), amount, "link", key, now)
        if outcome is not Outcome.APPLIED:
            raise RuntimeError(f"moving {old}'s points in {community} failed: {outcome}")
    bump(conn, CACHE)
    return Linked(issuer, claimant, person, tuple(moved))
