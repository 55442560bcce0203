"""Reads behind ``app.analytics``: plain SQL over the analytics tables and the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from shequn.internal.analytics.models import activity_table, membership_table, use_table
from shequn.internal.models import LedgerEntry

_ledger = LedgerEntry.__table__  # type: ignore[attr-defined]
_a = activity_table


@dataclass(frozen=True, slots=True)
class HourRow:
    hour: int
    person: str
    messages: int
    chars: int
    links: int
    questions: int
    replies: int
    mentions: int
    commands: int
    dissent: int
    replies_received: int


def activity(conn: Connection, groups: Sequence[str], first: int, last: int) -> list[HourRow]:
    """Hourly counters of ``groups`` between epoch hours ``first`` and ``last``."""
    rows = conn.execute(
        select(
            _a.c.hour,
            _a.c.person,
            func.sum(_a.c.messages),
            func.sum(_a.c.chars),
            func.sum(_a.c.links),
            func.sum(_a.c.questions),
            func.sum(_a.c.replies),
            func.sum(_a.c.mentions),
            func.sum(_a.c.commands),
            func.sum(_a.c.dissent),
            func.sum(_a.c.replies_received),
        )
        .where(_a.c.group_key.in_(list(groups)), _a.c.hour >= first, _a.c.hour <= last)
        .group_by(_a.c.hour, _a.c.person)
    )
    return [HourRow(int(r[0]), str(r[1]), *(int(v or 0) for v in r[2:])) for r in rows]


def seen(conn: Connection, person: str, groups: Sequence[str]) -> bool:
    """Whether ``person`` ever spoke, used the bot, joined or left in one of ``groups``."""
    wanted = list(groups)
    for table in (activity_table, use_table, membership_table):
        found = conn.execute(
            select(table.c.person)
            .where(table.c.group_key.in_(wanted), table.c.person == person)
            .limit(1)
        ).first()
        if found is not None:
            return True
    return False


def first_hour(conn: Connection, groups: Sequence[str]) -> int | None:
    """The earliest hour with a recorded message in ``groups``."""
    value = conn.execute(
        select(func.min(_a.c.hour)).where(_a.c.group_key.in_(list(groups)), _a.c.messages > 0)
    ).scalar_one_or_none()
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class Membership:
    person: str
    kind: str
    at: float


def membership(conn: Connection, groups: Sequence[str], since: float) -> list[Membership]:
    m = membership_table
    rows = conn.execute(
        select(m.c.person, m.c.kind, m.c.at)
        .where(m.c.group_key.in_(list(groups)), m.c.at >= since)
        .order_by(m.c.at)
    )
    return [Membership(str(r.person), str(r.kind), float(r.at)) for r in rows]


def uses(
    conn: Connection, groups: Sequence[str], first: int, last: int
) -> list[tuple[str, str, int]]:
    """(activity, person, uses) from commands and button presses."""
    u = use_table
    rows = conn.execute(
        select(u.c.activity, u.c.person, func.sum(u.c.uses))
        .where(u.c.group_key.in_(list(groups)), u.c.hour >= first, u.c.hour <= last)
        .group_by(u.c.activity, u.c.person)
    )
    return [(str(r[0]), str(r[1]), int(r[2] or 0)) for r in rows]


def postings(conn: Connection, groups: Sequence[str], since: float) -> list[tuple[str, str, int]]:
    """(plugin, person, postings) from the points ledger."""
    rows = conn.execute(
        select(_ledger.c.plugin, _ledger.c.person, func.count())
        .where(_ledger.c.group_key.in_(list(groups)), _ledger.c.created_at >= since)
        .group_by(_ledger.c.plugin, _ledger.c.person)
    )
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def active_groups(conn: Connection, since_hour: int) -> list[str]:
    """Groups with any recorded message since ``since_hour``."""
    rows = conn.execute(
        select(_a.c.group_key).where(_a.c.hour >= since_hour, _a.c.messages > 0).distinct()
    )
    return sorted(str(r[0]) for r in rows)
