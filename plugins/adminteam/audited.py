"""Roster changes in the core audit log, so the report counts them like any admin action.

Each entry is written in the change's own transaction and only when the change happened
(a new row inserted, an existing row deleted), keyed by the triggering event: a redelivered
command, or a second worker handling it, changes and records nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from shequn import Context
from shequn.audit import Audited, record

from .declaration import plugin
from .models import Shift
from .store import add, remove
from .week import span

ADDED, REMOVED = "duty_add", "duty_remove"
_DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who changes the roster, where, and through which event."""

    person: str
    community: str
    group_key: str
    event: str

    @classmethod
    def of(cls, ctx: Context) -> Actor:
        return cls(ctx.person, ctx.community, ctx.group_key, ctx.event.dedup_key)


def _entry(actor: Actor, action: str, shift: Shift) -> Audited:
    what = f"#{shift.id} {_DAY[shift.weekday]} {span(shift)}"
    return Audited(f"adminteam:{action}:{actor.event}", actor.community, actor.group_key,
                   actor.person, action, shift.person, what, plugin.name)  # fmt: skip


def add_shift(conn: Connection, values: dict[str, Any], actor: Actor) -> int | None:
    """:func:`add`, audited when it inserted the shift."""
    shift_id, inserted = add(conn, values)
    if inserted:
        record(conn, _entry(actor, ADDED, Shift(id=shift_id, **values)), values["created_at"])
    return shift_id


def remove_shift(conn: Connection, group_key: str, shift_id: int, actor: Actor, now: float) -> bool:
    """:func:`remove`, audited when this call took the shift off."""
    shift = remove(conn, group_key, shift_id)
    if shift is not None:
        record(conn, _entry(actor, REMOVED, shift), now)
    return shift is not None
