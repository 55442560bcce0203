"""Links, clicks and visits; synchronous, on the core's connections.

A member's link for a url (and parent) is unique by index, so ``/share`` twice gives the
same link; a visit is unique per link and visitor hash, so a visitor counts once however
often they open it, while ``clicks`` counts every opening. A visitor new to a link counts
only when their address has brought that link no visitor within the window (24 hours), so
one client rotating cookies or browsers adds at most one visitor a day."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from shequn.storage import insert_ignore, upsert_if_expired

from .models import ShareAddress, ShareLink, ShareVisit

_link = ShareLink.__table__  # type: ignore[attr-defined]
_visit = ShareVisit.__table__  # type: ignore[attr-defined]
_address = ShareAddress.__table__  # type: ignore[attr-defined]

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Link:
    code: str
    community: str
    person: str
    url: str
    parent: str
    root: str
    depth: int
    clicks: int
    group_key: str = ""


def _link_of(row: Any) -> Link:
    return Link(
        row.code,
        row.community,
        row.person,
        row.url,
        row.parent,
        row.root,
        int(row.depth),
        int(row.clicks),
        str(row.group_key),
    )


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def find(conn: Connection, code: str) -> Link | None:
    row = conn.execute(select(_link).where(_link.c.code == code)).first()
    return None if row is None else _link_of(row)


def share(
    conn: Connection,
    community: str,
    person: str,
    url: str,
    parent: Link | None,
    group_key: str,
    now: float,
) -> Link:
    """The member's link for ``url`` (re-sharing ``parent``), created on first use."""
    code = new_code()
    values = {
        "code": code,
        "community": community,
        "person": person,
        "url": url,
        "parent": parent.code if parent else "",
        "root": parent.root if parent else code,
        "depth": parent.depth + 1 if parent else 1,
        "group_key": group_key,
        "clicks": 0,
        "created_at": now,
    }
    insert_ignore(conn, _link, values, ("community", "person", "parent", "url"))
    row = conn.execute(
        select(_link).where(
            _link.c.community == community,
            _link.c.person == person,
            _link.c.parent == values["parent"],
            _link.c.url == url,
        )
    ).one()
    return _link_of(row)


def click(
    conn: Connection, code: str, visitor: str, address: str, now: float, window: float
) -> Link | None:
    """Count an opening of ``code`` by ``visitor`` from ``address`` (both keyed hashes); the
    link, or None. The visitor counts once per link, and only if ``address`` brought the
    link no new visitor in the last ``window`` seconds (claimed in one statement, so
    concurrent openings from one address count once)."""
    found = conn.execute(
        update(_link).where(_link.c.code == code).values(clicks=_link.c.clicks + 1)
    ).rowcount
    if found != 1:
        return None
    seen = conn.execute(
        select(_visit.c.visitor).where(_visit.c.code == code, _visit.c.visitor == visitor)
    ).first()
    if seen is None and upsert_if_expired(
        conn, _address, {"code": code, "address": address}, "until", now + window, now
    ):
        insert_ignore(
            conn, _visit, {"code": code, "visitor": visitor, "first_at": now}, ("code", "visitor")
        )
    return find(conn, code)


def community_links(conn: Connection, community: str) -> list[Link]:
    rows = conn.execute(select(_link).where(_link.c.community == community))
    return [_link_of(r) for r in rows]


def visitors_by_code(conn: Connection, community: str) -> dict[str, set[str]]:
    rows = conn.execute(
        select(_visit.c.code, _visit.c.visitor)
        .join(_link, _link.c.code == _visit.c.code)
        .where(_link.c.community == community)
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row.code, set()).add(row.visitor)
    return found


def visit_count(conn: Connection, code: str) -> int:
    query = select(func.count()).select_from(_visit).where(_visit.c.code == code)
    return int(conn.execute(query).scalar_one())
