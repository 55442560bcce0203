"""Logins: superuser tokens, one-time codes for group admins, sessions with a CSRF token.

Only SHA-256 digests of tokens, codes and session ids are stored, so a copy of the database
opens no dashboard. Codes and sessions end by a conditional delete or an expiry column,
never by reading first and writing after, so a code works exactly once. A code also ends
after ``MAX_CODE_FAILURES`` wrong tries of it; how often one address may try at all is
:mod:`shequn.internal.dashboard.throttle`'s job.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, or_, select, update

from shequn.internal.dashboard.tables import login_codes, sessions, tokens
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore

CODE_TTL = 600.0
"""A login code sent in private is valid for ten minutes."""
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8
SELECTOR_LENGTH = 3
"""The first letters of a code name it (unique among live codes); the other five are secret."""
MAX_CODE_FAILURES = 5
"""Wrong tries of one code before it is gone (the odds of guessing it stay below 1 in 6
million)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """Who is logged in: a superuser token, or one platform account."""

    subject: str
    """``token:<id>`` for superusers, else the account key ``platform:user_id``."""
    superuser: bool
    csrf: str
    expires_at: float


async def create_token(db: Database, now: float, days: float) -> tuple[str, str, float]:
    """A new superuser token: (id, token, expiry). Only its digest is stored."""
    token_id = secrets.token_hex(4)
    token = f"shq_{token_id}_{secrets.token_urlsafe(32)}"
    expires = now + days * 86400.0
    row = {"id": token_id, "digest": digest(token), "created_at": now, "expires_at": expires}
    await db.write(lambda conn: conn.execute(tokens.insert().values(**row)))
    return token_id, token, expires


async def check_token(db: Database, token: str, now: float) -> str | None:
    """The id of a valid, unexpired token, else None."""
    if not token or len(token) > 200:
        return None

    def read(conn: Connection) -> str | None:
        row = conn.execute(
            select(tokens.c.id).where(tokens.c.digest == digest(token), tokens.c.expires_at > now)
        ).first()
        return None if row is None else str(row.id)

    return await db.read(read)


async def issue_code(db: Database, account: str, now: float) -> str:
    """A one-time login code for ``account``; an earlier unused one stops working. Its first
    ``SELECTOR_LENGTH`` letters are unique among live codes, so a wrong try names its code."""

    def write(conn: Connection) -> str:
        stale = or_(login_codes.c.account == account, login_codes.c.expires_at <= now)
        conn.execute(delete(login_codes).where(stale))
        for _ in range(100):
            code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
            row = {
                "digest": digest(code),
                "selector": code[:SELECTOR_LENGTH],
                "account": account,
                "expires_at": now + CODE_TTL,
                "failures": 0,
            }
            if insert_ignore(conn, login_codes, row, ("selector",)):
                return code
        raise RuntimeError("no free login code selector")  # 32,768 of them: never in practice

    return await db.write(write)


async def redeem_code(db: Database, code: str, now: float) -> str | None:
    """The account the code was sent to, or None; a code redeems exactly once, and a wrong
    try of a live code (its selector right, the rest wrong) counts against it: after
    ``MAX_CODE_FAILURES`` the code is gone."""
    cleaned = "".join(code.split()).upper()
    if len(cleaned) != CODE_LENGTH:
        return None
    key, selector = digest(cleaned), cleaned[:SELECTOR_LENGTH]
    by_selector = login_codes.c.selector == selector

    def write(conn: Connection) -> str | None:
        row = conn.execute(
            select(login_codes.c.account, login_codes.c.expires_at).where(
                login_codes.c.digest == key, by_selector
            )
        ).first()
        if row is None:
            conn.execute(
                update(login_codes).where(by_selector).values(failures=login_codes.c.failures + 1)
            )
            conn.execute(
                delete(login_codes).where(by_selector, login_codes.c.failures >= MAX_CODE_FAILURES)
            )
            return None
        alive = login_codes.c.failures < MAX_CODE_FAILURES
        gone = conn.execute(delete(login_codes).where(login_codes.c.digest == key, alive))
        if gone.rowcount != 1 or row.expires_at <= now:
            return None  # another request used it first, wrong tries killed it, or it expired
        return str(row.account)

    return await db.write(write)


async def open_session(
    db: Database, subject: str, superuser: bool, now: float, hours: float
) -> tuple[str, Session]:
    """A new session: (cookie value, session)."""
    sid = secrets.token_urlsafe(32)
    session = Session(subject, superuser, secrets.token_urlsafe(24), now + hours * 3600.0)

    def write(conn: Connection) -> None:
        conn.execute(delete(sessions).where(sessions.c.expires_at <= now))  # tidy up
        conn.execute(
            sessions.insert().values(
                digest=digest(sid),
                subject=subject,
                superuser=superuser,
                csrf=session.csrf,
                created_at=now,
                expires_at=session.expires_at,
            )
        )

    await db.write(write)
    return sid, session


async def find_session(db: Database, sid: str | None, now: float) -> Session | None:
    if not sid or len(sid) > 200:
        return None

    def read(conn: Connection) -> Session | None:
        row = conn.execute(
            select(sessions).where(
                and_(sessions.c.digest == digest(sid), sessions.c.expires_at > now)
            )
        ).first()
        if row is None:
            return None
        return Session(str(row.subject), bool(row.superuser), str(row.csrf), float(row.expires_at))

    return await db.read(read)


async def close_session(db: Database, sid: str) -> None:
    await db.write(
        lambda conn: conn.execute(delete(sessions).where(sessions.c.digest == digest(sid)))
    )
