"""Moderation on the admin dashboard: audit log and active warnings of a group, and the
community's shared blacklist."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, desc, select

from shequn import App

from .declaration import plugin
from .models import AuditEntry, Blacklisted, Warning_

_audit = AuditEntry.__table__  # type: ignore[attr-defined]
_warning = Warning_.__table__  # type: ignore[attr-defined]
_blacklist = Blacklisted.__table__  # type: ignore[attr-defined]


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@plugin.dashboard_panel("panel.audit")
async def audit_log(app: App, group_key: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_audit)
            .where(_audit.c.group_key == group_key)
            .order_by(desc(_audit.c.id))
            .limit(100)
        )
        return [
            {
                "when": _when(r.created_at),
                "actor": r.actor,
                "action": r.action,
                "target": r.target,
                "reason": r.reason,
            }
            for r in rows
        ]

    return await app.db.read(read)


@plugin.dashboard_panel("panel.warnings")
async def warnings(app: App, group_key: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_warning)
            .where(_warning.c.group_key == group_key, _warning.c.revoked_at.is_(None))
            .order_by(desc(_warning.c.id))
            .limit(100)
        )
        return [
            {"when": _when(r.created_at), "member": r.person, "reason": r.reason, "by": r.actor}
            for r in rows
        ]

    return await app.db.read(read)


@plugin.dashboard_panel("panel.blacklist", scope="community")
async def blacklist(app: App, community: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_blacklist)
            .where(_blacklist.c.community == community)
            .order_by(desc(_blacklist.c.created_at))
            .limit(200)
        )
        return [
            {"when": _when(r.created_at), "member": r.person, "reason": r.reason, "by": r.actor}
            for r in rows
        ]

    return await app.db.read(read)
