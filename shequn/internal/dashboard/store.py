"""The dashboard's audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, desc, select

from shequn.internal.dashboard.tables import audit
from shequn.internal.storage.database import Database


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: float
    actor: str
    target: str
    action: str
    detail: str


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
