"""The core audit log: which admin (or rule) did what to whom, in which group, and why.

Plugins never import each other, yet an admin team wants to count its members' actions
whichever plugin carried them out, so the core keeps one log every plugin writes to. Each
entry has a unique ``key``: write it inside the same transaction as the action's own state
(:func:`record` on the writer connection) or afterwards with ``app.audit.record``; a
redelivered event or a retried job records nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Index, func, select
from sqlmodel import Field, SQLModel

from shequn.internal.clock import Clock
from shequn.internal.identity import Identity
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore

AUTO = "auto"
"""The actor of an action a rule took by itself."""


class AuditRecord(SQLModel, table=True):
    """One action taken in a group."""

    __tablename__ = "core_audit"
    __table_args__ = (Index("ix_core_audit_community", "community", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    actor: str = Field(max_length=200)
    """The acting person's key, or ``auto``."""
    action: str = Field(max_length=32)
    target: str = Field(max_length=200)
    reason: str = Field(max_length=200)
    plugin: str = Field(max_length=100)
    created_at: float


_audit = AuditRecord.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Audited:
    """An action to record; ``key`` is unique across the whole log."""

    key: str
    community: str
    group_key: str
    actor: str
    action: str
    target: str = ""
    reason: str = ""
    plugin: str = ""


def record(conn: Connection, entry: Audited, now: float) -> bool:
    """Record ``entry`` on the writer connection; False when its key was recorded before."""
    row = {
        "key": entry.key[:300],
        "community": entry.community[:200],
        "group_key": entry.group_key[:200],
        "actor": entry.actor[:200],
        "action": entry.action[:32],
        "target": entry.target[:200],
        "reason": entry.reason[:200],
        "plugin": entry.plugin[:100],
        "created_at": now,
    }
    return insert_ignore(conn, _audit, row, ("key",))


def action_counts(conn: Connection, community: str, since: float) -> list[tuple[str, str, int]]:
    """(actor, action, count) of the community's entries since ``since``."""
    count = func.count()
    rows = conn.execute(
        select(_audit.c.actor, _audit.c.action, count)
        .where(_audit.c.community == community, _audit.c.created_at >= since)
        .group_by(_audit.c.actor, _audit.c.action)
        .order_by(_audit.c.actor, _audit.c.action)
    )
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


class Audit:
    """``app.audit``: record actions and count them per actor."""

    def __init__(self, db: Database, clock: Clock, identity: Identity) -> None:
        self._db = db
        self._clock = clock
        self._identity = identity

    async def record(
        self,
        group_key: str,
        actor: str,
        action: str,
        target: str = "",
        reason: str = "",
        *,
        key: str,
        plugin: str = "",
    ) -> bool:
        """Record an action in ``group_key`` (its community found by the core); False when
        ``key`` was recorded before."""
        entry = Audited(
            key, self._identity.community_of(group_key), group_key, actor, action, target,
            reason, plugin,
        )  # fmt: skip
        now = self._clock.now().timestamp()
        return await self._db.write(lambda conn: record(conn, entry, now))

    async def counts(self, community: str, since: float) -> list[tuple[str, str, int]]:
        return await self._db.read(lambda conn: action_counts(conn, community, since))
