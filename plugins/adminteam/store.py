"""Roster rows, as synchronous functions run inside the core's writer (``ctx.app.db.write``).
Adding a shift twice keeps one row (a unique slot per admin), and a reminder is claimed by
inserting its occurrence's key, so it is sent once whatever the retries or restarts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select

from shequn.storage import insert_ignore

from .models import Reminded, Shift

_shift = Shift.__table__  # type: ignore[attr-defined]
_reminded = Reminded.__table__  # type: ignore[attr-defined]

MAX_SHIFTS = 200
"""Shifts one group may have (a week of 15-minute slots for a dozen admins is far fewer)."""


def add(conn: Connection, values: dict[str, Any]) -> tuple[int | None, bool]:
    """The shift's id (an existing identical shift's, when added twice; None when the group's
    roster is full), and whether this call inserted it."""
    count = conn.execute(
        select(_shift.c.id).where(_shift.c.group_key == values["group_key"]).limit(MAX_SHIFTS)
    ).all()
    inserted = len(count) < MAX_SHIFTS and insert_ignore(
        conn, _shift, values, ("group_key", "account", "weekday", "start_minute")
    )
    found = conn.execute(
        select(_shift.c.id).where(
            _shift.c.group_key == values["group_key"],
            _shift.c.account == values["account"],
            _shift.c.weekday == values["weekday"],
            _shift.c.start_minute == values["start_minute"],
        )
    ).scalar_one_or_none()
    return (None if found is None and not inserted else found), inserted


def get(conn: Connection, shift_id: int) -> Shift | None:
    row = conn.execute(select(_shift).where(_shift.c.id == shift_id)).first()
    return None if row is None else Shift(**row._mapping)


def roster(conn: Connection, group_key: str) -> list[Shift]:
    rows = conn.execute(
        select(_shift)
        .where(_shift.c.group_key == group_key)
        .order_by(_shift.c.weekday, _shift.c.start_minute, _shift.c.id)
    )
    return [Shift(**row._mapping) for row in rows]


def every_shift(conn: Connection) -> list[Shift]:
    return [Shift(**row._mapping) for row in conn.execute(select(_shift).order_by(_shift.c.id))]


def remove(conn: Connection, group_key: str, shift_id: int) -> Shift | None:
    """The shift this call took off the group's roster; None when it was not there (or a
    concurrent call removed it first: the conditional delete decides)."""
    shift = get(conn, shift_id)
    if shift is None or shift.group_key != group_key:
        return None
    gone = conn.execute(
        delete(_shift).where(_shift.c.id == shift_id, _shift.c.group_key == group_key)
    ).rowcount
    return shift if gone == 1 else None


def claim_reminder(conn: Connection, shift_id: int, starts_at: float, now: float) -> bool:
    """True for the one caller that claims the reminder of this occurrence."""
    row = {"shift_id": shift_id, "starts_at": starts_at, "sent_at": now}
    return insert_ignore(conn, _reminded, row, ("shift_id", "starts_at"))
