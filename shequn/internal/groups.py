"""The registry of groups the bot has seen (``app.groups``): the one place a plugin finds
every group of a community and the scene to send there without an event.

It is fed by every group event at dispatch, but writes only when a process sees a group for
the first time, when the group's name changes, when a server channel replaces a bare server
scene, and at most once a (UTC) day for ``last_seen``; every other event costs one dict
lookup. The first write is an insert-or-ignore on the group key and later ones are
conditional updates, so redelivered events, concurrent events and several workers on one
database record each group once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, or_, select, update

from shequn.internal.clock import Clock
from shequn.internal.context import scene_from_dict, scene_to_dict
from shequn.internal.event import Scene, SceneKind
from shequn.internal.identity import Identity
from shequn.internal.models import GroupRecord
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore

log = logging.getLogger("shequn.groups")

_group = GroupRecord.__table__  # type: ignore[attr-defined]

SEEN_LIMIT = 100_000
"""Groups remembered in memory; the oldest is forgotten past this (it is written again)."""
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class KnownGroup:
    """A group as the registry knows it."""

    group_key: str
    platform: str
    scene: Scene
    """Where to send to reach the group (for a server, the channel last seen)."""
    name: str
    first_seen: float
    last_seen: float


@dataclass(frozen=True, slots=True)
class _Sighting:
    name: str
    day: int
    sendable: bool


def _sendable(scene: Scene) -> bool:
    """A bare server scene is a poor place to send to; a channel of it is better."""
    return scene.kind is not SceneKind.GUILD


def _known(row: Any) -> KnownGroup | None:
    try:
        scene = scene_from_dict(json.loads(row.scene))
    except (ValueError, KeyError, TypeError):
        log.warning("the stored scene of group %s is unreadable; skipping it", row.group_key)
        return None
    return KnownGroup(
        group_key=row.group_key,
        platform=row.platform,
        scene=scene,
        name=row.name,
        first_seen=float(row.first_seen),
        last_seen=float(row.last_seen),
    )


def record(conn: Connection, scene: Scene, now: float) -> bool:
    """Insert the group of ``scene`` once; later, update its name (when known and changed),
    its scene (never to a bare server's) and, once a day, ``last_seen``.
    True when this call inserted the row."""
    key = scene.group_key
    name = scene.group.name[:200]
    # The group's own scene, not the forum topic it was last seen in: a broadcast or an
    # announcement to the group belongs in its main conversation.
    scene = replace(scene, thread="")
    text = json.dumps(scene_to_dict(scene), ensure_ascii=False)
    row = {
        "group_key": key,
        "platform": scene.platform[:64],
        "scene": text,
        "name": name,
        "first_seen": now,
        "last_seen": now,
    }
    if insert_ignore(conn, _group, row, ("group_key",)):
        return True
    due = [_group.c.last_seen < (now // DAY) * DAY]
    values: dict[str, Any] = {"last_seen": now}
    if name:
        due.append(_group.c.name != name)
        values["name"] = name
    if _sendable(scene):
        due.append(_group.c.scene != text)
        values["scene"] = text
    conn.execute(
        update(_group)
        .where(_group.c.group_key == key, or_(*due), _group.c.last_seen <= now)
        .values(**values)
    )
    return False


def read_all(conn: Connection) -> list[KnownGroup]:
    rows = conn.execute(select(_group).order_by(_group.c.group_key))
    return [g for g in (_known(r) for r in rows) if g is not None]


def read_one(conn: Connection, group_key: str) -> KnownGroup | None:
    row = conn.execute(select(_group).where(_group.c.group_key == group_key)).first()
    return None if row is None else _known(row)


class Groups:
    """``app.groups``: record groups as events arrive, list them per community."""

    def __init__(self, db: Database, clock: Clock, identity: Identity) -> None:
        self._db = db
        self._clock = clock
        self._identity = identity
        self._seen: OrderedDict[str, _Sighting] = OrderedDict()
        self._writing: dict[str, asyncio.Task[None]] = {}

    def sighting(self, scene: Scene) -> Awaitable[None] | None:
        """None when ``scene`` brings no news (almost always); else something to await
        before handling the event: the write of the news, or the write already under way for
        its group, so events of a group are not reordered around the first one's write."""
        if scene.is_private:
            return None
        key = scene.group_key
        writing = self._writing.get(key)
        if writing is None:
            if not self._claim(scene):
                return None
            writing = self._writing[key] = asyncio.ensure_future(self._record(scene))
            writing.add_done_callback(lambda done: self._written(key, done))
        return asyncio.shield(writing)

    def _written(self, key: str, done: asyncio.Task[None]) -> None:
        if self._writing.get(key) is done:
            del self._writing[key]

    def _claim(self, scene: Scene) -> bool:
        """True when ``scene`` is news worth a write; marked at once, so that concurrent
        events of the same group leave the write to the first."""
        key = scene.group_key
        seen = self._seen.get(key)
        name = scene.group.name
        day = int(self._clock.now().timestamp() // DAY)
        sendable = _sendable(scene)
        if (
            seen is not None
            and seen.day == day
            and (not name or name == seen.name)
            and (seen.sendable or not sendable)
        ):
            return False
        previous = seen or _Sighting("", day, False)
        self._seen[key] = _Sighting(name or previous.name, day, sendable or previous.sendable)
        self._seen.move_to_end(key)
        while len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    async def _record(self, scene: Scene) -> None:
        """Write what :meth:`_claim` found new; a failure is logged and retried next time."""
        now = self._clock.now().timestamp()
        try:
            await self._db.write(lambda conn: record(conn, scene, now), "groups")
        except Exception:
            self._seen.pop(scene.group_key, None)
            log.exception("could not record group %s", scene.group_key)

    async def see(self, scene: Scene) -> None:
        """Record ``scene``'s group if it is news (a plugin acting outside an event)."""
        pending = self.sighting(scene)
        if pending is not None:
            await pending

    async def known(self, community: str | None = None) -> list[KnownGroup]:
        """Every group seen, or only those of ``community``, ordered by key."""
        groups = await self._db.read(read_all)
        if community is None:
            return groups
        of = self._identity.community_of
        return [g for g in groups if of(g.group_key) == community]

    async def scene_of(self, group_key: str) -> Scene | None:
        """Where to send to reach ``group_key``, or None for a group never seen."""
        found = await self._db.read(lambda conn: read_one(conn, group_key))
        return None if found is None else found.scene
