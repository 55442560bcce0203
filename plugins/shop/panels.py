"""The shop's table on the admin dashboard: orders placed in this group."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, desc, select

from shequn import App

from .declaration import plugin
from .models import ShopItem, ShopOrder

_order = ShopOrder.__table__  # type: ignore[attr-defined]
_item = ShopItem.__table__  # type: ignore[attr-defined]


@plugin.dashboard_panel("panel.orders")
async def orders(app: App, group_key: str) -> list[dict[str, Any]]:
    def read(conn: Connection) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(_order, _item.c.name.label("item"))
            .join(_item, _item.c.id == _order.c.item_id)
            .where(_order.c.group_key == group_key)
            .order_by(desc(_order.c.id))
            .limit(100)
        )
        return [
            {
                "id": r.id,
                "item": r.item,
                "member": r.account,
                "cost": r.cost,
                "state": r.state,
                "placed": datetime.fromtimestamp(r.created_at, UTC),
            }
            for r in rows
        ]

    return await app.db.read(read)
