"""Lockdown transitions, synchronous on the core's single writer connection.

``lock`` and ``lift`` are conditional updates on the community's row (``status`` and
``epoch`` in the WHERE clause), so a double command, a redelivered surge or a lift job run
twice after a restart changes the state once, and only the caller that changed it acts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from shequn import Scene, scene_from_dict, scene_to_dict
from shequn.storage import insert_ignore

from .models import Held, LockState

_state = LockState.__table__  # type: ignore[attr-defined]
_held = Held.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Lock:
    community: str
    epoch: int
    mode: str
    slow_seconds: int
    reason: str
    until: float
    scenes: tuple[Scene, ...]


@dataclass(frozen=True, slots=True)
class Locked:
    lock: Lock
    started: bool
    """False when an existing lockdown was extended (or already lasted longer)."""


def _lock(row: Any) -> Lock:
    return Lock(
        community=row.community,
        epoch=int(row.epoch),
        mode=row.mode,
        slow_seconds=int(row.slow_seconds),
        reason=row.reason,
        until=float(row.until),
        scenes=tuple(scene_from_dict(s) for s in json.loads(row.scenes or "[]")),
    )


def _scenes(scenes: list[Scene]) -> str:
    return json.dumps([scene_to_dict(s) for s in scenes], ensure_ascii=False)


def current(conn: Connection, community: str) -> Lock | None:
    row = conn.execute(
        select(_state).where(_state.c.community == community, _state.c.status == "locked")
    ).first()
    return None if row is None else _lock(row)


def all_locked(conn: Connection) -> list[Lock]:
    return [_lock(r) for r in conn.execute(select(_state).where(_state.c.status == "locked"))]


def lock(conn: Connection, values: dict[str, Any], scenes: list[Scene]) -> Locked:
    """Start a lockdown, or extend the running one to the later ``until``."""
    community = values["community"]
    fresh = {**values, "status": "locked", "scenes": _scenes(scenes)}
    if insert_ignore(conn, _state, {**fresh, "epoch": 1}, ("community",)):
        return Locked(_lock(_row(conn, community)), True)
    row = _row(conn, community)
    if row.status == "lifted":
        conn.execute(
            update(_state)
            .where(_state.c.community == community, _state.c.epoch == row.epoch)
            .values(**fresh, epoch=row.epoch + 1)
        )
        return Locked(_lock(_row(conn, community)), True)
    known = {s.key: s for s in _lock(row).scenes}
    known.update({s.key: s for s in scenes})
    conn.execute(
        update(_state)
        .where(_state.c.community == community, _state.c.epoch == row.epoch)
        .values(until=max(float(row.until), values["until"]), scenes=_scenes(list(known.values())))
    )
    return Locked(_lock(_row(conn, community)), False)


def _row(conn: Connection, community: str) -> Any:
    return conn.execute(select(_state).where(_state.c.community == community)).one()


def lift(conn: Connection, community: str, epoch: int | None, due_by: float | None) -> Lock | None:
    """``locked -> lifted``; with ``epoch``/``due_by`` only that lockdown, once it is due.
    Returns the lifted lockdown to the one caller that lifted it."""
    conditions = [_state.c.community == community, _state.c.status == "locked"]
    if epoch is not None:
        conditions.append(_state.c.epoch == epoch)
    if due_by is not None:
        conditions.append(_state.c.until <= due_by)
    row = conn.execute(select(_state).where(*conditions)).first()
    if row is None:
        return None
    done = conn.execute(
        update(_state).where(*conditions, _state.c.epoch == row.epoch).values(status="lifted")
    ).rowcount
    return _lock(row) if done == 1 else None


def hold(conn: Connection, values: dict[str, Any]) -> bool:
    """Record a held member; True the first time in this lockdown (mute them then)."""
    return insert_ignore(conn, _held, values, ("community", "epoch", "user_key"))


def held(conn: Connection, community: str, epoch: int) -> list[tuple[str, Scene]]:
    rows = conn.execute(
        select(_held.c.user_key, _held.c.scene).where(
            _held.c.community == community, _held.c.epoch == epoch
        )
    )
    return [(r.user_key, scene_from_dict(json.loads(r.scene))) for r in rows]
