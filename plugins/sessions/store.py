"""Series, the rota and summaries, as synchronous functions run inside the core's writer
(``ctx.app.db.write``). A host takes a slot by a conditional update, a reminder is claimed by
flipping its flag, and the host's points join the summary's savepoint with a key per
occurrence, so nothing happens twice whatever the concurrency, redelivery or restarts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, func, select, update

from shequn import Outcome, Posting
from shequn.ledger import post
from shequn.storage import insert_ignore

from .models import OccurrenceRow, SeriesRow

_series = SeriesRow.__table__  # type: ignore[attr-defined]
_occ = OccurrenceRow.__table__  # type: ignore[attr-defined]

PLUGIN = "sessions"
MAX_RESULTS = 5


@dataclass(frozen=True, slots=True)
class Host:
    person: str
    account: str
    name: str


@dataclass(frozen=True, slots=True)
class Summarised:
    occurrence: OccurrenceRow
    title: str
    paid: bool
    """False when the points were paid for this session already (an edited summary)."""


def create(conn: Connection, values: dict[str, Any]) -> int:
    key = conn.execute(_series.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def get(conn: Connection, series_id: int) -> SeriesRow | None:
    row = conn.execute(select(_series).where(_series.c.id == series_id)).first()
    return None if row is None else SeriesRow(**row._mapping)


def in_group(conn: Connection, group_key: str) -> list[SeriesRow]:
    rows = conn.execute(
        select(_series)
        .where(_series.c.group_key == group_key, _series.c.state == "active")
        .order_by(_series.c.id)
    )
    return [SeriesRow(**row._mapping) for row in rows]


def stop(conn: Connection, series_id: int) -> bool:
    changed = conn.execute(
        update(_series)
        .where(_series.c.id == series_id, _series.c.state == "active")
        .values(state="stopped")
    ).rowcount
    return bool(changed == 1)


def ensure(conn: Connection, series: SeriesRow, slots: Iterable[tuple[int, float]]) -> None:
    """Make the rota rows of ``slots`` (number, starts_at); existing rows stay as they are."""
    for number, starts_at in slots:
        row = {
            "series_id": series.id,
            "number": number,
            "community": series.community,
            "group_key": series.group_key,
            "starts_at": starts_at,
            "host": None,
            "host_account": None,
            "host_name": None,
            "host_reminded": False,
            "group_reminded": False,
            "summary": None,
            "summary_at": None,
        }
        insert_ignore(conn, _occ, row, ("series_id", "number"))


def occurrence(conn: Connection, series_id: int, number: int) -> OccurrenceRow | None:
    row = conn.execute(
        select(_occ).where(_occ.c.series_id == series_id, _occ.c.number == number)
    ).first()
    return None if row is None else OccurrenceRow(**row._mapping)


def rota(conn: Connection, series_id: int, now: float, limit: int) -> list[OccurrenceRow]:
    rows = conn.execute(
        select(_occ)
        .where(_occ.c.series_id == series_id, _occ.c.starts_at > now)
        .order_by(_occ.c.number)
        .limit(limit)
    )
    return [OccurrenceRow(**row._mapping) for row in rows]


def _slot(series_id: int, number: int, now: float) -> tuple[Any, ...]:
    return (_occ.c.series_id == series_id, _occ.c.number == number, _occ.c.starts_at > now)


def volunteer(
    conn: Connection, series_id: int, number: int, host: Host, now: float
) -> Literal["taken", "mine", "busy", "gone"]:
    """Take an open, upcoming slot: ``taken``; or why not."""
    taken = conn.execute(
        update(_occ)
        .where(*_slot(series_id, number, now), _occ.c.host.is_(None))
        .values(host=host.person, host_account=host.account, host_name=host.name[:200])
    ).rowcount
    if taken == 1:
        return "taken"
    row = occurrence(conn, series_id, number)
    if row is None or row.starts_at <= now:
        return "gone"
    return "mine" if row.host == host.person else "busy"


def first_open(conn: Connection, series_id: int, now: float, limit: int) -> int | None:
    for row in rota(conn, series_id, now, limit):
        if row.host is None:
            return row.number
    return None


def assign(conn: Connection, series_id: int, number: int, host: Host | None, now: float) -> bool:
    """An admin sets (or, with None, clears) the host of an upcoming slot."""
    values: dict[str, Any] = {"host": None, "host_account": None, "host_name": None}
    if host is not None:
        values = {"host": host.person, "host_account": host.account, "host_name": host.name[:200]}
    changed = conn.execute(update(_occ).where(*_slot(series_id, number, now)).values(**values))
    return bool(changed.rowcount == 1)


def withdraw(conn: Connection, series_id: int, number: int, person: str, now: float) -> bool:
    """The host gives an upcoming slot back."""
    changed = conn.execute(
        update(_occ)
        .where(*_slot(series_id, number, now), _occ.c.host == person)
        .values(host=None, host_account=None, host_name=None)
    )
    return bool(changed.rowcount == 1)


def claim_reminder(
    conn: Connection, series_id: int, number: int, flag: Literal["host", "group"]
) -> OccurrenceRow | None:
    """Flip the reminder's flag once; the row when this call flipped it, else None."""
    column = _occ.c.host_reminded if flag == "host" else _occ.c.group_reminded
    changed = conn.execute(
        update(_occ)
        .where(_occ.c.series_id == series_id, _occ.c.number == number, column.is_(False))
        .values({column.name: True})
    ).rowcount
    return occurrence(conn, series_id, number) if changed == 1 else None


def summarise(
    conn: Connection, group_key: str, person: str, text: str, now: float, window: float, points: int
) -> Summarised | None:
    """Keep the summary of the latest session ``person`` hosted here within ``window``
    seconds, and pay the host once per session; None when they hosted none."""
    found = conn.execute(
        select(_occ, _series.c.title)
        .join(_series, _series.c.id == _occ.c.series_id)
        .where(
            _occ.c.group_key == group_key,
            _occ.c.host == person,
            _occ.c.starts_at <= now,
            _occ.c.starts_at >= now - window,
        )
        .order_by(_occ.c.starts_at.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    mapping = dict(found._mapping)
    title = str(mapping.pop("title"))
    row = OccurrenceRow(**mapping)
    with conn.begin_nested():
        conn.execute(
            update(_occ)
            .where(
                _occ.c.series_id == row.series_id,
                _occ.c.number == row.number,
                _occ.c.host == person,
            )
            .values(summary=text, summary_at=now)
        )
        paid = False
        if points:
            key = f"sessions:{row.series_id}:{row.number}:host"
            reason = f"hosted session #{row.series_id}.{row.number}"
            posting = Posting(person, row.community, points, reason, key, group_key, PLUGIN)
            paid = post(conn, [posting], now) is Outcome.APPLIED
    saved = occurrence(conn, row.series_id, row.number)
    assert saved is not None
    return Summarised(saved, title, paid)


def search(conn: Connection, community: str, words: list[str]) -> list[tuple[OccurrenceRow, str]]:
    """The newest summaries of the community containing every word (case-insensitive)."""
    query = (
        select(_occ, _series.c.title)
        .join(_series, _series.c.id == _occ.c.series_id)
        .where(_occ.c.community == community, _occ.c.summary.is_not(None))
    )
    for word in words:
        query = query.where(func.lower(_occ.c.summary).contains(word.lower(), autoescape=True))
    rows = conn.execute(query.order_by(_occ.c.summary_at.desc()).limit(MAX_RESULTS))
    found: list[tuple[OccurrenceRow, str]] = []
    for row in rows:
        mapping = dict(row._mapping)
        title = str(mapping.pop("title"))
        found.append((OccurrenceRow(**mapping), title))
    return found
