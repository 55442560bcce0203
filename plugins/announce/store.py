"""Reads and conditional writes of announcements; synchronous, on the core's connections.

Every state change is a conditional update (``active -> done``) and every delivery starts
with an insert-or-ignore of its key, so a redelivered job or a restart sends nothing twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from shequn import Scene, scene_from_dict, scene_to_dict
from shequn.storage import insert_ignore

from .models import Delivery, Schedule

_schedule = Schedule.__table__  # type: ignore[attr-defined]
_delivery = Delivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Stored:
    id: int
    community: str
    scope: str
    group_key: str
    scene: Scene
    text: str
    cron: str
    next_at: float
    status: str


@dataclass(frozen=True, slots=True)
class Sent:
    key: str
    kind: str
    group_key: str
    status: str
    pinned: bool
    created_at: float


def dump_scene(scene: Scene) -> str:
    return json.dumps(scene_to_dict(scene), ensure_ascii=False)


def load_scene(text: str) -> Scene:
    return scene_from_dict(json.loads(text))


def _stored(row: Any) -> Stored:
    return Stored(
        id=int(row.id),
        community=row.community,
        scope=row.scope,
        group_key=row.group_key,
        scene=load_scene(row.scene),
        text=row.text,
        cron=row.cron,
        next_at=float(row.next_at),
        status=row.status,
    )


def create(conn: Connection, values: dict[str, Any]) -> int:
    stmt = _schedule.insert().returning(_schedule.c.id)
    return int(conn.execute(stmt, {**values, "status": "active"}).scalar_one())


def get(conn: Connection, schedule_id: int) -> Stored | None:
    row = conn.execute(select(_schedule).where(_schedule.c.id == schedule_id)).first()
    return None if row is None else _stored(row)


def active(conn: Connection, community: str) -> list[Stored]:
    rows = conn.execute(
        select(_schedule)
        .where(_schedule.c.community == community, _schedule.c.status == "active")
        .order_by(_schedule.c.next_at, _schedule.c.id)
    )
    return [_stored(r) for r in rows]


def finish(conn: Connection, schedule_id: int, status: str) -> bool:
    """``active -> status`` (done or cancelled); True for the one caller that moved it."""
    result = conn.execute(
        update(_schedule)
        .where(_schedule.c.id == schedule_id, _schedule.c.status == "active")
        .values(status=status)
    )
    return result.rowcount == 1


def move_on(conn: Connection, schedule_id: int, next_at: float) -> None:
    conn.execute(
        update(_schedule)
        .where(_schedule.c.id == schedule_id, _schedule.c.status == "active")
        .values(next_at=next_at)
    )


def claim_delivery(conn: Connection, values: dict[str, Any]) -> bool:
    """Insert the delivery as ``sending``; False when its key was delivered (or tried)."""
    row = {"status": "sending", "message_id": "", "pinned": False, "error": "", **values}
    return insert_ignore(conn, _delivery, row, ("key",))


def settle_delivery(
    conn: Connection, key: str, status: str, message_id: str, pinned: bool, error: str
) -> None:
    conn.execute(
        update(_delivery)
        .where(_delivery.c.key == key, _delivery.c.status == "sending")
        .values(status=status, message_id=message_id, pinned=pinned, error=error[:500])
    )


def recent_deliveries(conn: Connection, group_keys: list[str], limit: int) -> list[Sent]:
    rows = conn.execute(
        select(_delivery)
        .where(_delivery.c.group_key.in_(group_keys))
        .order_by(_delivery.c.created_at.desc(), _delivery.c.key)
        .limit(limit)
    )
    return [
        Sent(r.key, r.kind, r.group_key, r.status, bool(r.pinned), float(r.created_at))
        for r in rows
    ]
