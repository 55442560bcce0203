"""The quotes' table on the admin dashboard: this group's latest quotes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, desc, select

from shequn import App

from .declaration import plugin
from .models import Quote

_quote = Quote.__table__  # type: ignore[attr-defined]


@plugin.dashboard_panel("panel.quotes")
async def quotes(app: App, group_key: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_quote)
            .where(_quote.c.group_key == group_key)
            .order_by(desc(_quote.c.id))
            .limit(50)
        )
        return [
            {
                "id": r.id,
                "author": r.author_name,
                "text": r.text,
                "votes": r.votes,
                "state": r.state,
                "added": datetime.fromtimestamp(r.created_at, UTC),
            }
            for r in rows
        ]

    return await app.db.read(read)
