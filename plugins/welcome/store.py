"""The welcome plugin's state changes, as synchronous functions for ``db.write``/``db.read``.

Every transition is conditional (``UPDATE ... WHERE status = 'pending'``) or an
insert-or-ignore, never a read followed by a write, so a redelivered event, a double press
or a timeout racing the right answer changes the state once and only the winner acts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from shequn.storage import insert_ignore

from .models import Acceptance, Application, Blocked, HandledEvent, Newcomer

_event = HandledEvent.__table__  # type: ignore[attr-defined]
_newcomer = Newcomer.__table__  # type: ignore[attr-defined]
_application = Application.__table__  # type: ignore[attr-defined]
_blocked = Blocked.__table__  # type: ignore[attr-defined]
_acceptance = Acceptance.__table__  # type: ignore[attr-defined]

PENDING, PASSED, FAILED = "pending", "passed", "failed"
APPROVED, REJECTED = "approved", "rejected"


def first_time(conn: Connection, key: str, now: float) -> bool:
    """True the first time the event ``key`` is handled, in any process, ever."""
    return insert_ignore(conn, _event, {"key": key[:300], "created_at": now}, ("key",))


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    group_key: str
    account: str
    join_id: str
    name: str
    kind: str
    answer: str
    attempts: int
    deadline: float
    prompt_id: str
    inviter: str
    inviter_name: str


def _pending(row: Any) -> Pending:
    return Pending(
        row.group_key,
        row.account,
        row.join_id,
        row.name,
        row.kind,
        row.answer,
        int(row.attempts),
        float(row.deadline),
        row.prompt_id,
        row.inviter,
        row.inviter_name,
    )


def start_verification(conn: Connection, row: dict[str, Any]) -> bool:
    """Open a verification; False when one is already pending for this member and group."""
    row = {**row, "status": PENDING, "attempts": 0, "prompt_id": ""}
    if insert_ignore(conn, _newcomer, row, ("group_key", "account")):
        return True
    # An earlier verification that ended (the member left and came back): restart it.
    restarted = conn.execute(
        update(_newcomer)
        .where(
            _newcomer.c.group_key == row["group_key"],
            _newcomer.c.account == row["account"],
            _newcomer.c.status != PENDING,
        )
        .values(**{k: v for k, v in row.items() if k not in ("group_key", "account")})
    )
    return bool(restarted.rowcount == 1)


def set_prompt(conn: Connection, group_key: str, account: str, join_id: str, message: str) -> None:
    conn.execute(
        update(_newcomer)
        .where(
            _newcomer.c.group_key == group_key,
            _newcomer.c.account == account,
            _newcomer.c.join_id == join_id,
        )
        .values(prompt_id=message)
    )


def pending_of(conn: Connection, group_key: str, account: str) -> Pending | None:
    row = conn.execute(
        select(_newcomer).where(
            _newcomer.c.group_key == group_key,
            _newcomer.c.account == account,
            _newcomer.c.status == PENDING,
        )
    ).first()
    return None if row is None else _pending(row)


def all_pending(conn: Connection) -> list[tuple[str, str]]:
    rows = conn.execute(
        select(_newcomer.c.group_key, _newcomer.c.account).where(_newcomer.c.status == PENDING)
    )
    return [(r.group_key, r.account) for r in rows]


def finish(conn: Connection, group_key: str, account: str, join_id: str, status: str) -> bool:
    """``pending -> status`` for this join; True for the one caller that made the change."""
    result = conn.execute(
        update(_newcomer)
        .where(
            _newcomer.c.group_key == group_key,
            _newcomer.c.account == account,
            _newcomer.c.join_id == join_id,
            _newcomer.c.status == PENDING,
        )
        .values(status=status)
    )
    return bool(result.rowcount == 1)


@dataclass(frozen=True, slots=True)
class Attempt:
    verification: Pending
    outcome: str
    """``passed``, ``wrong`` (tries left), ``failed`` (no tries left) or ``late``."""
    left: int = 0


def answer(
    conn: Connection,
    group_key: str,
    account: str,
    is_right: Callable[[Pending], bool],
    max_attempts: int,
    now: float,
) -> Attempt | None:
    """Record one answer of a pending newcomer (None: nothing pending)."""
    current = pending_of(conn, group_key, account)
    if current is None:
        return None
    if now > current.deadline:
        return Attempt(current, "late")
    if is_right(current):
        won = finish(conn, group_key, account, current.join_id, PASSED)
        return Attempt(current, PASSED) if won else None
    used = current.attempts + 1
    counted = conn.execute(
        update(_newcomer)
        .where(
            _newcomer.c.group_key == group_key,
            _newcomer.c.account == account,
            _newcomer.c.join_id == current.join_id,
            _newcomer.c.status == PENDING,
            _newcomer.c.attempts == current.attempts,
        )
        .values(attempts=used, status=FAILED if used >= max_attempts else PENDING)
    ).rowcount
    if counted != 1:
        return None
    if used >= max_attempts:
        return Attempt(current, FAILED)
    return Attempt(current, "wrong", max_attempts - used)


# -- applications -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Applicant:
    group_key: str
    account: str
    request_id: str
    name: str
    comment: str
    inviter: str
    created_at: float


def _applicant(row: Any) -> Applicant:
    return Applicant(
        row.group_key,
        row.account,
        row.request_id,
        row.name,
        row.comment,
        row.inviter,
        float(row.created_at),
    )


def record_application(conn: Connection, row: dict[str, Any], status: str) -> bool:
    """Store an application with its decision (``pending`` to queue it). False when this
    member's application is already pending here (a repeat while admins decide)."""
    row = {**row, "status": status, "reason": row.get("reason", ""), "decided_by": ""}
    if insert_ignore(conn, _application, row, ("group_key", "account")):
        return True
    result = conn.execute(
        update(_application)
        .where(
            _application.c.group_key == row["group_key"],
            _application.c.account == row["account"],
            _application.c.status != PENDING,
        )
        .values(**{k: v for k, v in row.items() if k not in ("group_key", "account")})
    )
    return bool(result.rowcount == 1)


def decide(
    conn: Connection,
    group_key: str,
    account: str,
    status: str,
    reason: str,
    by: str,
    now: float,
) -> Applicant | None:
    """``pending -> status``; the application for the one caller that decided it."""
    row = conn.execute(
        select(_application).where(
            _application.c.group_key == group_key,
            _application.c.account == account,
            _application.c.status == PENDING,
        )
    ).first()
    if row is None:
        return None
    won = conn.execute(
        update(_application)
        .where(
            _application.c.group_key == group_key,
            _application.c.account == account,
            _application.c.request_id == row.request_id,
            _application.c.status == PENDING,
        )
        .values(status=status, reason=reason[:200], decided_by=by[:200], decided_at=now)
    ).rowcount
    return _applicant(row) if won == 1 else None


def reopen(conn: Connection, group_key: str, account: str, request_id: str) -> None:
    """Put a decided application back in the queue (the platform refused the answer)."""
    conn.execute(
        update(_application)
        .where(
            _application.c.group_key == group_key,
            _application.c.account == account,
            _application.c.request_id == request_id,
        )
        .values(status=PENDING, reason="", decided_by="", decided_at=None)
    )


def pending_applications(conn: Connection, group_key: str, limit: int) -> list[Applicant]:
    rows = conn.execute(
        select(_application)
        .where(_application.c.group_key == group_key, _application.c.status == PENDING)
        .order_by(_application.c.created_at)
        .limit(limit)
    )
    return [_applicant(r) for r in rows]


# -- block list ----------------------------------------------------------------------------------


def block(conn: Connection, community: str, person: str, reason: str, by: str, now: float) -> bool:
    return insert_ignore(
        conn,
        _blocked,
        {
            "community": community,
            "person": person,
            "reason": reason[:200],
            "added_by": by[:200],
            "created_at": now,
        },
        ("community", "person"),
    )


def unblock(conn: Connection, community: str, person: str) -> bool:
    result = conn.execute(
        delete(_blocked).where(_blocked.c.community == community, _blocked.c.person == person)
    )
    return bool(result.rowcount == 1)


def is_blocked(conn: Connection, community: str, person: str) -> bool:
    row = conn.execute(
        select(_blocked.c.person).where(
            _blocked.c.community == community, _blocked.c.person == person
        )
    ).first()
    return row is not None


def blocked(conn: Connection, community: str, limit: int) -> list[tuple[str, str]]:
    rows = conn.execute(
        select(_blocked.c.person, _blocked.c.reason)
        .where(_blocked.c.community == community)
        .order_by(_blocked.c.created_at)
        .limit(limit)
    )
    return [(r.person, r.reason) for r in rows]


# -- rules -------------------------------------------------------------------------------------


def accept_rules(conn: Connection, group_key: str, person: str, digest: str, now: float) -> bool:
    """Record acceptance of the rules worded as ``digest``; False if already accepted."""
    keys = {"group_key": group_key, "person": person}
    if insert_ignore(
        conn, _acceptance, {**keys, "digest": digest, "accepted_at": now}, tuple(keys)
    ):
        return True
    result = conn.execute(
        update(_acceptance)
        .where(
            _acceptance.c.group_key == group_key,
            _acceptance.c.person == person,
            _acceptance.c.digest != digest,
        )
        .values(digest=digest, accepted_at=now)
    )
    return bool(result.rowcount == 1)


def acceptance(conn: Connection, group_key: str, person: str) -> tuple[str, float] | None:
    row = conn.execute(
        select(_acceptance.c.digest, _acceptance.c.accepted_at).where(
            _acceptance.c.group_key == group_key, _acceptance.c.person == person
        )
    ).first()
    return None if row is None else (str(row.digest), float(row.accepted_at))
