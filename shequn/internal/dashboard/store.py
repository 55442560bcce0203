"""Known groups and the dashboard's audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, desc, select

from shequn.internal.dashboard.tables import audit, groups
from shequn.internal.event import Scene
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import upsert

SEEN_REFRESH = 3600.0
"""A group's ``last_seen`` is written at most once an hour (and when its name changes)."""


@dataclass(frozen=True, slots=True)
class KnownGroup:
    key: str
    platform: str
    kind: str
    name: str
    last_seen: float


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: float
    actor: str
    target: str
    action: str
    detail: str


class GroupBook:
    """Remembers the groups the bot has seen, writing only when something changed."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._seen: dict[str, tuple[str, float]] = {}

    async def saw(self, scene: Scene, now: float) -> None:
        group = scene.group
        name = (group.name or group.id)[:200]
        known = self._seen.get(group.key)
        if known is not None and known[0] == name and now - known[1] < SEEN_REFRESH:
            return
        self._seen[group.key] = (name, now)
        first = now if known is None else None

        def write(conn: Connection) -> None:
            existing = conn.execute(
                select(groups.c.first_seen).where(groups.c.group_key == group.key)
            ).first()
            upsert(
                conn,
                groups,
                {"group_key": group.key},
                {
                    "platform": group.platform[:50],
                    "kind": group.kind.value,
                    "name": name,
                    "first_seen": existing.first_seen if existing else (first or now),
                    "last_seen": now,
                },
            )

        await self._db.write(write, "dashboard")

    async def all(self) -> list[KnownGroup]:
        def read(conn: Connection) -> list[KnownGroup]:
            rows = conn.execute(select(groups).order_by(groups.c.platform, groups.c.name))
            return [
                KnownGroup(r.group_key, r.platform, r.kind, r.name, float(r.last_seen))
                for r in rows
            ]

        return await self._db.read(read)


async def record(
    db: Database, now: float, actor: str, target: str, action: str, detail: str
) -> None:
    await record_many(db, now, actor, [target], action, detail)


async def record_many(
    db: Database, now: float, actor: str, targets: list[str], action: str, detail: str
) -> None:
    """The same entry in the log of each target (a community and its groups), at once."""
    rows = [
        {
            "at": now,
            "actor": actor[:200],
            "target": target[:200],
            "action": action[:50],
            "detail": detail[:500],
        }
        for target in targets
    ]
    await db.write(lambda conn: conn.execute(audit.insert(), rows), "dashboard")


async def recent(db: Database, target: str, limit: int = 50) -> list[AuditRow]:
    def read(conn: Connection) -> list[AuditRow]:
        rows = conn.execute(
            select(audit)
            .where(audit.c.target == target)
            .order_by(desc(audit.c.at), desc(audit.c.id))
            .limit(limit)
        )
        return [AuditRow(float(r.at), r.actor, r.target, r.action, r.detail) for r in rows]

    return await db.read(read)
