"""Announcements to every group of a community, paced per platform, with status per group.

Each delivery row moves ``pending -> sending -> sent | failed`` by conditional updates, so
two runners over the same broadcast (a double submit, a restart) send to each group once.
A row left in ``sending`` by a crash is shown as unknown and never sent again by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, desc, select, update

from shequn.internal.dashboard.state import GroupView
from shequn.internal.dashboard.tables import broadcasts, deliveries
from shequn.internal.event import Scene
from shequn.internal.message import Message

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.dashboard")

MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class Delivery:
    group_key: str
    status: str
    error: str


@dataclass(frozen=True, slots=True)
class BroadcastView:
    id: int
    text: str
    actor: str
    created_at: float
    deliveries: tuple[Delivery, ...]


async def create(app: App, community: str, groups: list[str], text: str, actor: str) -> int:
    """Store the broadcast and one pending delivery per group; returns its id."""
    now = app.clock.now().timestamp()

    def write(conn: Connection) -> int:
        result = conn.execute(
            broadcasts.insert().values(
                community=community, text=text, actor=actor[:200], created_at=now
            )
        )
        (broadcast_id,) = result.inserted_primary_key or (None,)
        assert broadcast_id is not None
        if groups:
            conn.execute(
                deliveries.insert(),
                [
                    {
                        "broadcast_id": broadcast_id,
                        "group_key": key,
                        "status": "pending",
                        "updated_at": now,
                    }
                    for key in groups
                ],
            )
        return int(broadcast_id)

    return await app.db.write(write, "dashboard")


async def _claim(app: App, broadcast_id: int, group_key: str) -> bool:
    now = app.clock.now().timestamp()

    def write(conn: Connection) -> bool:
        result = conn.execute(
            update(deliveries)
            .where(
                deliveries.c.broadcast_id == broadcast_id,
                deliveries.c.group_key == group_key,
                deliveries.c.status == "pending",
            )
            .values(status="sending", updated_at=now)
        )
        return result.rowcount == 1

    return await app.db.write(write, "dashboard")


async def _finish(
    app: App, broadcast_id: int, group_key: str, message_id: str | None, error: str | None
) -> None:
    now = app.clock.now().timestamp()
    status = "failed" if error is not None else "sent"
    await app.db.write(
        lambda conn: conn.execute(
            update(deliveries)
            .where(
                deliveries.c.broadcast_id == broadcast_id,
                deliveries.c.group_key == group_key,
                deliveries.c.status == "sending",
            )
            .values(
                status=status,
                message_id=(message_id or "")[:200] or None,
                error=(error or "")[:500] or None,
                updated_at=now,
            )
        ),
        "dashboard",
    )


async def run(app: App, broadcast_id: int, scenes: dict[str, Scene], interval: float) -> None:
    """Send the broadcast: platforms in parallel, one message per ``interval`` on each."""

    def read(conn: Connection) -> tuple[str, list[str]]:
        text = conn.execute(
            select(broadcasts.c.text).where(broadcasts.c.id == broadcast_id)
        ).scalar_one()
        keys = conn.execute(
            select(deliveries.c.group_key).where(
                deliveries.c.broadcast_id == broadcast_id, deliveries.c.status == "pending"
            )
        ).scalars()
        return str(text), [str(k) for k in keys]

    text, keys = await app.db.read(read)
    by_platform: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_platform[key.partition(":")[0]].append(key)
    await asyncio.gather(
        *(
            _run_platform(app, broadcast_id, text, ks, scenes, interval)
            for ks in by_platform.values()
        )
    )


async def _run_platform(
    app: App,
    broadcast_id: int,
    text: str,
    keys: list[str],
    scenes: dict[str, Scene],
    interval: float,
) -> None:
    first = True
    for key in keys:
        if not await _claim(app, broadcast_id, key):
            continue  # another runner has it
        if not first and interval > 0:
            await asyncio.sleep(interval)
        first = False
        scene = scenes.get(key) or GroupView.unseen(key).scene
        try:
            message_id = await app.send(scene, Message.coerce(text))
        except Exception as error:
            log.warning("broadcast %d to %s failed: %s", broadcast_id, key, error)
            await _finish(app, broadcast_id, key, None, f"{type(error).__name__}: {error}")
        else:
            await _finish(app, broadcast_id, key, message_id, None)


async def recent(app: App, community: str, limit: int = 10) -> list[BroadcastView]:
    def read(conn: Connection) -> list[BroadcastView]:
        rows = list(
            conn.execute(
                select(broadcasts)
                .where(broadcasts.c.community == community)
                .order_by(desc(broadcasts.c.id))
                .limit(limit)
            )
        )
        ids = [r.id for r in rows]
        found: dict[int, list[Delivery]] = defaultdict(list)
        if ids:
            for d in conn.execute(
                select(deliveries)
                .where(deliveries.c.broadcast_id.in_(ids))
                .order_by(deliveries.c.group_key)
            ):
                found[int(d.broadcast_id)].append(Delivery(d.group_key, d.status, d.error or ""))
        return [
            BroadcastView(int(r.id), r.text, r.actor, float(r.created_at), tuple(found[int(r.id)]))
            for r in rows
        ]

    return await app.db.read(read)
