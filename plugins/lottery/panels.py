"""The lottery's table on the admin dashboard: this group's recent lotteries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, desc, select

from shequn import App

from .declaration import plugin
from .models import Lottery

_lottery = Lottery.__table__  # type: ignore[attr-defined]


@plugin.dashboard_panel("panel.lotteries")
async def lotteries(app: App, group_key: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_lottery)
            .where(_lottery.c.group_key == group_key)
            .order_by(desc(_lottery.c.id))
            .limit(50)
        )
        return [
            {
                "id": r.id,
                "prize": r.prize,
                "state": r.state,
                "entrants": r.entrants,
                "winners": r.winners,
                "ends": datetime.fromtimestamp(r.ends_at, UTC),
            }
            for r in rows
        ]

    return await app.db.read(read)
