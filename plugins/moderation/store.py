"""Moderation rows. Synchronous functions for ``ctx.app.db.write``/``read``.

Every action is keyed: a warning by the event that caused it, an audit entry by the action
it records, a chain removal by its incident and person. Inserts that hit an existing key
change nothing, so redelivered events and concurrent workers act once; a restore is a
conditional ``removed -> restored`` update.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select, update

from shequn.audit import Audited, record
from shequn.storage import insert_ignore

from .models import AuditEntry, Blacklisted, Removal, Warning_

_warning = Warning_.__table__  # type: ignore[attr-defined]
_audit = AuditEntry.__table__  # type: ignore[attr-defined]
_removal = Removal.__table__  # type: ignore[attr-defined]
_blacklist = Blacklisted.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Where:
    """The community and group an action happens in."""

    community: str
    group_key: str


# -- warnings ---------------------------------------------------------------------------------


def _active(where: Where, person: str, since: float) -> tuple[object, ...]:
    return (
        _warning.c.community == where.community,
        _warning.c.person == person,
        _warning.c.revoked_at.is_(None),
        _warning.c.created_at >= since,
    )


def add_warning(
    conn: Connection,
    key: str,
    where: Where,
    person: str,
    reason: str,
    actor: str,
    now: float,
    since: float,
) -> int | None:
    """Record a warning; the active count after it, or None when ``key`` was seen before."""
    inserted = insert_ignore(
        conn,
        _warning,
        {
            "key": key[:300],
            "community": where.community,
            "person": person,
            "group_key": where.group_key,
            "reason": reason[:200],
            "actor": actor,
            "created_at": now,
        },
        ("key",),
    )
    if not inserted:
        return None
    return count_warnings(conn, where, person, since)


def count_warnings(conn: Connection, where: Where, person: str, since: float) -> int:
    query = select(func.count()).where(*_active(where, person, since))  # type: ignore[arg-type]
    return int(conn.execute(query).scalar_one())


def list_warnings(conn: Connection, where: Where, person: str, since: float) -> list[Warning_]:
    rows = conn.execute(
        select(_warning).where(*_active(where, person, since)).order_by(_warning.c.id)  # type: ignore[arg-type]
    )
    return [Warning_.model_validate(dict(r._mapping)) for r in rows]


def revoke_warning(conn: Connection, where: Where, person: str, since: float, now: float) -> int:
    """Revoke the latest active warning; the count left, or -1 when there was none."""
    latest = conn.execute(
        select(func.max(_warning.c.id)).where(*_active(where, person, since))  # type: ignore[arg-type]
    ).scalar()
    if latest is None:
        return -1
    conn.execute(
        update(_warning)
        .where(_warning.c.id == latest, _warning.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return count_warnings(conn, where, person, since)


# -- audit ------------------------------------------------------------------------------------


def audit(
    conn: Connection,
    key: str,
    where: Where,
    actor: str,
    target: str,
    action: str,
    reason: str,
    now: float,
) -> bool:
    """Record an action, here and in the core's audit log (the admin team counts from it);
    False when ``key`` was recorded before (then do not act again)."""
    fresh = insert_ignore(
        conn,
        _audit,
        {
            "key": key[:300],
            "community": where.community,
            "group_key": where.group_key,
            "actor": actor,
            "target": target,
            "action": action,
            "reason": reason[:200],
            "created_at": now,
        },
        ("key",),
    )
    if fresh:
        entry = Audited(
            f"moderation:{key}", where.community, where.group_key, actor, action, target,
            reason, "moderation",
        )  # fmt: skip
        record(conn, entry, now)
    return fresh


def recent_audit(
    conn: Connection, community: str, limit: int, target: str | None = None
) -> list[AuditEntry]:
    query = select(_audit).where(_audit.c.community == community)
    if target is not None:
        query = query.where(_audit.c.target == target)
    rows = conn.execute(query.order_by(_audit.c.id.desc()).limit(limit))
    return [AuditEntry.model_validate(dict(r._mapping)) for r in rows]


# -- kick-chain removals ----------------------------------------------------------------------


def add_removal(
    conn: Connection, key: str, where: Where, person: str, root: str, depth: int, now: float
) -> bool:
    """Claim the removal of ``person`` for this incident; True only for the first claim."""
    return insert_ignore(
        conn,
        _removal,
        {
            "key": key[:300],
            "community": where.community,
            "person": person,
            "root": root,
            "group_key": where.group_key,
            "depth": depth,
            "status": "removed",
            "removed_at": now,
        },
        ("key",),
    )


def restore(conn: Connection, community: str, person: str, actor: str, now: float) -> list[Removal]:
    """Move every ``removed`` row of ``person`` to ``restored``; the rows this call moved."""
    rows = conn.execute(
        select(_removal).where(
            _removal.c.community == community,
            _removal.c.person == person,
            _removal.c.status == "removed",
        )
    ).all()
    moved: list[Removal] = []
    for row in rows:
        won = conn.execute(
            update(_removal)
            .where(_removal.c.key == row.key, _removal.c.status == "removed")
            .values(status="restored", restored_at=now, restored_by=actor)
        ).rowcount
        if won == 1:
            moved.append(Removal.model_validate(dict(row._mapping)))
    return moved


def appeal(conn: Connection, person: str, text: str, now: float) -> list[Removal]:
    """Attach an appeal to ``person``'s open removals that have none yet."""
    rows = conn.execute(
        select(_removal).where(
            _removal.c.person == person,
            _removal.c.status == "removed",
            _removal.c.appeal.is_(None),
        )
    ).all()
    filed: list[Removal] = []
    for row in rows:
        won = conn.execute(
            update(_removal)
            .where(_removal.c.key == row.key, _removal.c.appeal.is_(None))
            .values(appeal=text[:500], appealed_at=now)
        ).rowcount
        if won == 1:
            filed.append(Removal.model_validate(dict(row._mapping)))
    return filed


def open_removals(conn: Connection, community: str) -> list[Removal]:
    rows = conn.execute(
        select(_removal)
        .where(_removal.c.community == community, _removal.c.status == "removed")
        .order_by(_removal.c.removed_at.desc())
        .limit(50)
    )
    return [Removal.model_validate(dict(r._mapping)) for r in rows]


# -- shared blacklist -------------------------------------------------------------------------


def blacklist(
    conn: Connection, community: str, person: str, reason: str, actor: str, now: float
) -> bool:
    return insert_ignore(
        conn,
        _blacklist,
        {
            "community": community,
            "person": person,
            "reason": reason[:200],
            "actor": actor,
            "created_at": now,
        },
        ("community", "person"),
    )


def unblacklist(conn: Connection, community: str, person: str) -> bool:
    result = conn.execute(
        delete(_blacklist).where(_blacklist.c.community == community, _blacklist.c.person == person)
    )
    return bool(result.rowcount == 1)


def is_blacklisted(conn: Connection, community: str, person: str) -> bool:
    row = conn.execute(
        select(_blacklist.c.person).where(
            _blacklist.c.community == community, _blacklist.c.person == person
        )
    ).first()
    return row is not None
