"""Where a member stands in a community: balance, rank and how many hold points.

The core's ledger offers balances and the top of the board; a member's rank needs a count,
which is read here from the core's balance table in one short read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from shequn.internal.models import Balance

_balance = Balance.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Standing:
    balance: int
    rank: int | None
    """1 for the top; shared on equal balances; None without points."""
    holders: int
    """Members of the community with points."""


def standing(conn: Connection, person: str, community: str) -> Standing:
    balance = int(
        conn.execute(
            select(_balance.c.balance).where(
                _balance.c.person == person, _balance.c.community == community
            )
        ).scalar_one_or_none()
        or 0
    )
    in_community = (_balance.c.community == community, _balance.c.balance > 0)
    holders = int(conn.execute(select(func.count()).where(*in_community)).scalar_one())
    if balance <= 0:
        return Standing(balance, None, holders)
    above = conn.execute(
        select(func.count()).where(_balance.c.community == community, _balance.c.balance > balance)
    ).scalar_one()
    return Standing(balance, int(above) + 1, holders)
