"""Referral rows and their points. Synchronous functions for ``ctx.app.db.write``/``read``.

A reward row is created once per invitee and community (its key), and moves between states
only by conditional updates whose ledger posting joins the same savepoint: the reward is
paid once, reverted at most once, and never both paid and void.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from shequn import Outcome, Posting
from shequn.invites import record
from shequn.ledger import balance_of, count_postings, post
from shequn.storage import insert_ignore

from .models import InviteCode, Reward

_code = InviteCode.__table__  # type: ignore[attr-defined]
_reward = Reward.__table__  # type: ignore[attr-defined]

PLUGIN = "referral"
SIGNIN_PLUGIN = "signin"
"""Sign-ins are read from the ledger: credits posted by the plugin of this name."""
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class _Undo(Exception):
    pass


# -- codes ------------------------------------------------------------------------------------


def code_of(
    conn: Connection, community: str, person: str, group_key: str, now: float
) -> InviteCode:
    """The member's code in ``community``, created on first use."""
    for _ in range(5):
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        row = {
            "code": code,
            "community": community,
            "person": person,
            "group_key": group_key,
            "created_at": now,
        }
        existing = conn.execute(
            select(_code).where(_code.c.community == community, _code.c.person == person)
        ).first()
        if existing is not None:
            return InviteCode.model_validate(dict(existing._mapping))
        if insert_ignore(conn, _code, row, ("code",)):
            return InviteCode.model_validate(row)
    raise RuntimeError("could not find a free invite code")


def set_link(conn: Connection, code: str, link: str) -> None:
    conn.execute(update(_code).where(_code.c.code == code).values(link=link[:500]))


def find_code(conn: Connection, code: str) -> InviteCode | None:
    row = conn.execute(select(_code).where(_code.c.code == code.strip().upper()[:16])).first()
    return None if row is None else InviteCode.model_validate(dict(row._mapping))


# -- rewards ----------------------------------------------------------------------------------


def reward_key(community: str, invitee: str) -> str:
    return f"referral:reward:{community}:{invitee}"


def open_reward(
    conn: Connection, community: str, invitee: str, group_key: str, welcome: int, now: float
) -> str | None:
    """Start the reward of a first-time, invited member: the inviter, or None when there is
    nothing to start (no inviter, a rejoin, or started before)."""
    node = record(conn, community, invitee)
    if node is None or node.inviter is None or node.rejoins > 0 or node.left_at is not None:
        return None
    row = {
        "community": community,
        "invitee": invitee,
        "inviter": node.inviter,
        "group_key": group_key,
        "status": "pending",
        "amount": 0,
        "reverted": 0,
        "joined_at": node.first_joined_at,
    }
    if not insert_ignore(conn, _reward, row, ("community", "invitee")):
        return None
    if welcome > 0:
        key = f"referral:welcome:{community}:{invitee}"
        post(
            conn,
            [Posting(invitee, community, welcome, "referral welcome", key, group_key, PLUGIN)],
            now,
        )
    return node.inviter


@dataclass(frozen=True, slots=True)
class Check:
    verdict: str
    """``paid``, ``wait``, ``void``, ``expired`` or ``settled`` (nothing to do)."""
    inviter: str = ""
    amount: int = 0
    signins: int = 0


def check_reward(
    conn: Connection,
    community: str,
    invitee: str,
    points: int,
    min_days: int,
    min_signins: int,
    check_days: int,
    now: float,
) -> Check:
    """Pay the reward if the invitee stayed and signed in enough; void it if they left."""
    row = conn.execute(
        select(_reward).where(_reward.c.community == community, _reward.c.invitee == invitee)
    ).first()
    if row is None or row.status != "pending":
        return Check("settled")
    pending = (
        _reward.c.community == community,
        _reward.c.invitee == invitee,
        _reward.c.status == "pending",
    )
    node = record(conn, community, invitee)
    if node is None or node.left_at is not None:
        conn.execute(update(_reward).where(*pending).values(status="void", settled_at=now))
        return Check("void", row.inviter)
    signins = count_postings(conn, invitee, community, plugin=SIGNIN_PLUGIN, since=row.joined_at)
    if now >= row.joined_at + min_days * 86_400 and signins >= min_signins:
        try:
            with conn.begin_nested():
                moved = conn.execute(
                    update(_reward)
                    .where(*pending)
                    .values(status="paid", amount=points, settled_at=now)
                ).rowcount
                if moved != 1:
                    raise _Undo
                if points > 0:
                    posting = Posting(
                        row.inviter,
                        community,
                        points,
                        f"referral {invitee}",
                        reward_key(community, invitee),
                        row.group_key,
                        PLUGIN,
                    )
                    if post(conn, [posting], now, savepoint=False) is not Outcome.APPLIED:
                        raise _Undo
        except _Undo:
            return Check("settled")
        return Check("paid", row.inviter, points, signins)
    if now >= row.joined_at + check_days * 86_400:
        conn.execute(update(_reward).where(*pending).values(status="expired", settled_at=now))
        return Check("expired", row.inviter, 0, signins)
    return Check("wait", row.inviter, 0, signins)


def settle_leave(
    conn: Connection, community: str, invitee: str, revert_days: int, now: float
) -> Check:
    """An invitee left: a pending reward is void; a paid one within the window is taken back
    (as far as the inviter's balance allows: balances never go negative)."""
    row = conn.execute(
        select(_reward).where(_reward.c.community == community, _reward.c.invitee == invitee)
    ).first()
    if row is None:
        return Check("settled")
    mine = (_reward.c.community == community, _reward.c.invitee == invitee)
    if row.status == "pending":
        conn.execute(
            update(_reward)
            .where(*mine, _reward.c.status == "pending")
            .values(status="void", settled_at=now)
        )
        return Check("void", row.inviter)
    if row.status != "paid" or now > row.joined_at + revert_days * 86_400:
        return Check("settled")
    amount = min(int(row.amount), balance_of(conn, row.inviter, community))
    try:
        with conn.begin_nested():
            moved = conn.execute(
                update(_reward)
                .where(*mine, _reward.c.status == "paid")
                .values(status="reverted", reverted=amount, settled_at=now)
            ).rowcount
            if moved != 1:
                raise _Undo
            if amount > 0:
                posting = Posting(
                    row.inviter,
                    community,
                    -amount,
                    f"referral reverted {invitee}",
                    f"referral:revert:{community}:{invitee}",
                    row.group_key,
                    PLUGIN,
                )
                if post(conn, [posting], now, savepoint=False) is not Outcome.APPLIED:
                    raise _Undo
    except _Undo:
        return Check("settled")
    return Check("reverted", row.inviter, amount)


def rewards_of(conn: Connection, community: str, inviter: str) -> list[Reward]:
    rows = conn.execute(
        select(_reward).where(_reward.c.community == community, _reward.c.inviter == inviter)
    )
    return [Reward.model_validate(dict(r._mapping)) for r in rows]
