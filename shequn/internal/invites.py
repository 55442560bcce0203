"""Invite attribution: who brought whom into a community, recorded by the core itself.

Moderation (the kick-chain rule) and referral (rewards, KOL reach) both read this tree, and
plugins never import each other, so the core keeps it: a built-in handler records every
``MemberJoined`` and ``MemberLeft`` whatever plugins a group has switched on. One row per
person and community; the first attribution wins and rejoining never changes the tree.

Writes are conditional: a join is keyed by its event, so a redelivered join (even one seen by
another worker on the same database) changes nothing, and an inviter is set only while none
is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Index, select, update
from sqlmodel import Field, SQLModel

from shequn.internal.clock import Clock
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore

MAX_DEPTH = 64
"""Deepest level any tree query walks (a guard; real invite chains are far shorter)."""


class InviteRecord(SQLModel, table=True):
    """How one person came into one community, and whether they are still there."""

    __tablename__ = "core_invite"
    __table_args__ = (Index("ix_core_invite_inviter", "community", "inviter"),)
    community: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    inviter: str | None = Field(default=None, max_length=200)
    """The inviting person; None when unknown (or a self-invite)."""
    via: str = Field(default="", max_length=200)
    """How the inviter was learned: ``invite_link:NAME``, ``operator_id``, ``invite_uses``,
    ``code``, ``simulated``; empty when nobody is known."""
    group_key: str = Field(max_length=200)
    """The group of the first join."""
    joined_at: float
    """The latest join."""
    first_joined_at: float
    left_at: float | None = None
    """Set when the person left or was removed; cleared by a rejoin."""
    rejoins: int = 0
    join_event: str = Field(default="", max_length=300)
    """Dedup key of the latest join event, so a redelivery is recognised."""


_invite = InviteRecord.__table__  # type: ignore[attr-defined]


class JoinOutcome(StrEnum):
    FIRST = "first"
    """The first time this person joins the community."""
    REJOIN = "rejoin"
    """They had been here before and left."""
    PRESENT = "present"
    """Already a member (joined another group of the community, or a leave was missed)."""
    DUPLICATE = "duplicate"
    """The same join event again: nothing changed."""


@dataclass(frozen=True, slots=True)
class Invitee:
    """One node of the tree as the queries return it."""

    person: str
    inviter: str | None
    via: str
    group_key: str
    joined_at: float
    first_joined_at: float
    left_at: float | None
    rejoins: int

    @property
    def present(self) -> bool:
        return self.left_at is None


def _node(r: Any) -> Invitee:
    return Invitee(
        person=str(r.person),
        inviter=r.inviter,
        via=str(r.via or ""),
        group_key=str(r.group_key),
        joined_at=float(r.joined_at),
        first_joined_at=float(r.first_joined_at),
        left_at=None if r.left_at is None else float(r.left_at),
        rejoins=int(r.rejoins),
    )


# -- synchronous functions (inside ``db.write`` / ``db.read``) -------------------------------


def record(conn: Connection, community: str, person: str) -> Invitee | None:
    row = conn.execute(
        select(_invite).where(_invite.c.community == community, _invite.c.person == person)
    ).first()
    return None if row is None else _node(row)


def ancestors(
    conn: Connection, community: str, person: str, max_depth: int = MAX_DEPTH
) -> list[str]:
    """The inviter, their inviter, ... nearest first (cycles and depth bounded)."""
    chain: list[str] = []
    seen = {person}
    current = person
    while len(chain) < max_depth:
        node = record(conn, community, current)
        if node is None or node.inviter is None or node.inviter in seen:
            break
        chain.append(node.inviter)
        seen.add(node.inviter)
        current = node.inviter
    return chain


def descendants(
    conn: Connection, community: str, person: str, max_depth: int = MAX_DEPTH
) -> list[list[Invitee]]:
    """Level by level: ``[direct invitees, their invitees, ...]`` up to ``max_depth``."""
    levels: list[list[Invitee]] = []
    seen = {person}
    frontier = [person]
    while frontier and len(levels) < min(max_depth, MAX_DEPTH):
        rows = conn.execute(
            select(_invite)
            .where(_invite.c.community == community, _invite.c.inviter.in_(frontier))
            .order_by(_invite.c.first_joined_at, _invite.c.person)
        )
        level = [n for n in map(_node, rows) if n.person not in seen]
        if not level:
            break
        seen.update(n.person for n in level)
        levels.append(level)
        frontier = [n.person for n in level]
    return levels


def tree(conn: Connection, community: str) -> list[Invitee]:
    """Every recorded member of ``community`` (for whole-tree figures such as reach)."""
    return [_node(r) for r in conn.execute(select(_invite).where(_invite.c.community == community))]


def record_join(
    conn: Connection,
    community: str,
    person: str,
    inviter: str | None,
    via: str,
    group_key: str,
    event_key: str,
    now: float,
) -> JoinOutcome:
    """Record a join; the first one attributes the inviter, later ones never change it."""
    if inviter == person:
        inviter = None
    if inviter is not None and person in ancestors(conn, community, inviter):
        inviter = None  # would close a cycle: the inviter was brought in by this person
    row = {
        "community": community,
        "person": person,
        "inviter": inviter,
        "via": (via if inviter is not None else "")[:200],
        "group_key": group_key,
        "joined_at": now,
        "first_joined_at": now,
        "left_at": None,
        "rejoins": 0,
        "join_event": event_key[:300],
    }
    if insert_ignore(conn, _invite, row, ("community", "person")):
        return JoinOutcome.FIRST
    mine = (
        _invite.c.community == community,
        _invite.c.person == person,
        _invite.c.join_event != event_key[:300],
    )
    rejoined = conn.execute(
        update(_invite)
        .where(*mine, _invite.c.left_at.is_not(None))
        .values(
            left_at=None, joined_at=now, rejoins=_invite.c.rejoins + 1, join_event=event_key[:300]
        )
    ).rowcount
    if rejoined == 1:
        return JoinOutcome.REJOIN
    present = conn.execute(
        update(_invite).where(*mine, _invite.c.left_at.is_(None)).values(join_event=event_key[:300])
    ).rowcount
    return JoinOutcome.PRESENT if present == 1 else JoinOutcome.DUPLICATE


def record_leave(conn: Connection, community: str, person: str, now: float) -> bool:
    """Mark ``person`` gone; True only for the call that made the change."""
    result = conn.execute(
        update(_invite)
        .where(
            _invite.c.community == community,
            _invite.c.person == person,
            _invite.c.left_at.is_(None),
        )
        .values(left_at=now)
    )
    return bool(result.rowcount == 1)


def attribute(
    conn: Connection, community: str, person: str, inviter: str, via: str, since: float
) -> bool:
    """Name the inviter of a first-time member who joined at or after ``since``.

    Refused (False) for self-invites, cycles, rejoiners, members whose inviter is already
    known, and unknown members.
    """
    if inviter == person or person in ancestors(conn, community, inviter):
        return False
    result = conn.execute(
        update(_invite)
        .where(
            _invite.c.community == community,
            _invite.c.person == person,
            _invite.c.inviter.is_(None),
            _invite.c.rejoins == 0,
            _invite.c.left_at.is_(None),
            _invite.c.first_joined_at >= since,
        )
        .values(inviter=inviter, via=via[:200])
    )
    return bool(result.rowcount == 1)


# -- async access ----------------------------------------------------------------------------


class Invites:
    """``app.invites``: record joins and leaves, and read the invite tree of a community."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record_join(
        self,
        community: str,
        person: str,
        inviter: str | None,
        via: str,
        group_key: str,
        event_key: str,
    ) -> JoinOutcome:
        now = self._clock.now().timestamp()
        return await self._db.write(
            lambda conn: record_join(
                conn, community, person, inviter, via, group_key, event_key, now
            ),
            "invites",
        )

    async def record_leave(self, community: str, person: str) -> bool:
        now = self._clock.now().timestamp()
        return await self._db.write(
            lambda conn: record_leave(conn, community, person, now), "invites"
        )

    async def attribute(
        self, community: str, person: str, inviter: str, via: str, since: float
    ) -> bool:
        return await self._db.write(
            lambda conn: attribute(conn, community, person, inviter, via, since), "invites"
        )

    async def get(self, community: str, person: str) -> Invitee | None:
        return await self._db.read(lambda conn: record(conn, community, person))

    async def children(self, community: str, person: str) -> list[Invitee]:
        levels = await self.descendants(community, person, 1)
        return levels[0] if levels else []

    async def descendants(
        self, community: str, person: str, max_depth: int = MAX_DEPTH
    ) -> list[list[Invitee]]:
        return await self._db.read(lambda conn: descendants(conn, community, person, max_depth))

    async def ancestors(self, community: str, person: str, max_depth: int = MAX_DEPTH) -> list[str]:
        return await self._db.read(lambda conn: ancestors(conn, community, person, max_depth))

    async def tree(self, community: str) -> list[Invitee]:
        return await self._db.read(lambda conn: tree(conn, community))


def flatten(levels: Iterable[Iterable[Invitee]]) -> list[Invitee]:
    return [node for level in levels for node in level]
