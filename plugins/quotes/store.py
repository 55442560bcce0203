"""Quote rows through the core's writer: archive once per message, vote once per person,
remove and pick by conditional updates, digests once per group and period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, update

from shequn.storage import insert_ignore, insert_ignore_returning

from .models import Quote, QuoteDigest, QuoteVote

_quote = Quote.__table__  # type: ignore[attr-defined]
_vote = QuoteVote.__table__  # type: ignore[attr-defined]
_digest = QuoteDigest.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Saved:
    id: int
    community: str
    group_key: str
    author: str
    author_name: str
    text: str
    created_at: float
    state: str
    picked: bool
    votes: int


def _saved(row: Any) -> Saved:
    return Saved(
        id=int(row.id),
        community=row.community,
        group_key=row.group_key,
        author=row.author,
        author_name=row.author_name,
        text=row.text,
        created_at=float(row.created_at),
        state=row.state,
        picked=bool(row.picked),
        votes=int(row.votes),
    )


def archive(conn: Connection, values: dict[str, Any]) -> tuple[int, bool]:
    """Archive a message once; (quote id, whether this call archived it)."""
    row = {**values, "state": "active", "picked": False, "votes": 0}
    new_id = insert_ignore_returning(conn, _quote, row, ("source",), "id")
    if new_id is not None:
        return int(new_id), True
    existing = conn.execute(
        select(_quote.c.id).where(_quote.c.source == values["source"])
    ).scalar_one()
    return int(existing), False


def get(conn: Connection, community: str, quote_id: int) -> Saved | None:
    row = conn.execute(
        select(_quote).where(
            _quote.c.id == quote_id, _quote.c.community == community, _quote.c.state == "active"
        )
    ).first()
    return None if row is None else _saved(row)


def random_quote(conn: Connection, community: str, author: str | None = None) -> Saved | None:
    query = select(_quote).where(_quote.c.community == community, _quote.c.state == "active")
    if author is not None:
        query = query.where(_quote.c.author == author)
    row = conn.execute(query.order_by(func.random()).limit(1)).first()
    return None if row is None else _saved(row)


def count_by(conn: Connection, community: str, author: str) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                _quote.c.community == community,
                _quote.c.author == author,
                _quote.c.state == "active",
            )
        ).scalar_one()
    )


def search(
    conn: Connection, community: str, condition: ColumnElement[bool], limit: int
) -> list[Saved]:
    rows = conn.execute(
        select(_quote)
        .where(_quote.c.community == community, _quote.c.state == "active", condition)
        .order_by(_quote.c.votes.desc(), _quote.c.id.desc())
        .limit(limit)
    )
    return [_saved(r) for r in rows]


def vote(conn: Connection, quote_id: int, person: str, now: float) -> bool:
    """Count one vote per person and quote; False when the person had voted."""
    row = {"quote_id": quote_id, "person": person, "voted_at": now}
    if not insert_ignore(conn, _vote, row, ("quote_id", "person")):
        return False
    conn.execute(update(_quote).where(_quote.c.id == quote_id).values(votes=_quote.c.votes + 1))
    return True


def remove(conn: Connection, quote_id: int) -> bool:
    return bool(
        conn.execute(
            update(_quote)
            .where(_quote.c.id == quote_id, _quote.c.state == "active")
            .values(state="removed")
        ).rowcount
        == 1
    )


def pick(conn: Connection, quote_id: int) -> bool:
    """Mark a quote as an admin pick; False when it already was."""
    return bool(
        conn.execute(
            update(_quote)
            .where(_quote.c.id == quote_id, _quote.c.picked == False)  # noqa: E712
            .values(picked=True)
        ).rowcount
        == 1
    )


def best_between(
    conn: Connection, group_key: str, start: float, end: float, limit: int
) -> list[Saved]:
    """The group's quotes archived in ``[start, end)``: admin picks, then by votes."""
    rows = conn.execute(
        select(_quote)
        .where(
            _quote.c.group_key == group_key,
            _quote.c.state == "active",
            _quote.c.created_at >= start,
            _quote.c.created_at < end,
        )
        .order_by(_quote.c.picked.desc(), _quote.c.votes.desc(), _quote.c.id)
        .limit(limit)
    )
    return [_saved(r) for r in rows]


def claim_digest(conn: Connection, group_key: str, kind: str, period: str, now: float) -> bool:
    """True for the one caller that may post this group's digest of this period."""
    row = {"group_key": group_key, "kind": kind, "period": period, "posted_at": now}
    return insert_ignore(conn, _digest, row, ("group_key", "kind", "period"))
