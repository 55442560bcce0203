"""The quiz's table on the admin dashboard: this group's recent rounds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, desc, select

from shequn import App

from .declaration import plugin
from .models import QuizRound

_round = QuizRound.__table__  # type: ignore[attr-defined]


@plugin.dashboard_panel("panel.rounds")
async def rounds(app: App, group_key: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_round)
            .where(_round.c.group_key == group_key)
            .order_by(desc(_round.c.id))
            .limit(50)
        )
        return [
            {
                "id": r.id,
                "category": r.category,
                "state": r.state,
                "started_by": r.started_by,
                "started": datetime.fromtimestamp(r.started_at, UTC),
            }
            for r in rows
        ]

    return await app.db.read(read)
