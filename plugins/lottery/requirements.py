"""Who may enter a lottery: minimum points, sign-in streak, days in the group, a title.

Checked when a member enters (the entry cost is paid atomically afterwards). The points
minimum is the balance before the cost is paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shequn import Context

from .models import Lottery
from .store import member_since
from .streak import HISTORY, SIGNIN_PLUGIN, day_of_key, streak_from_days

DAY_SECONDS = 86_400.0


@dataclass(frozen=True, slots=True)
class Unmet:
    key: str
    """Translation key of the reason."""
    values: dict[str, Any]


async def signin_streak(ctx: Context, person: str) -> int:
    entries = await ctx.app.ledger.history(person, ctx.community, HISTORY)
    days = [
        day
        for entry in entries
        if entry.plugin == SIGNIN_PLUGIN and (day := day_of_key(entry.idem_key)) is not None
    ]
    return streak_from_days(days, ctx.today())


async def unmet(ctx: Context, lottery: Lottery) -> Unmet | None:
    """The first requirement ``ctx``'s member does not meet, or None."""
    person = ctx.person
    if lottery.min_points > 0:
        balance = await ctx.app.ledger.balance(person, ctx.community)
        if balance < lottery.min_points:
            return Unmet("req.points", {"need": lottery.min_points, "have": balance})
    if lottery.cost > 0:
        balance = await ctx.app.ledger.balance(person, ctx.community)
        if balance < lottery.cost:
            return Unmet("req.cost", {"cost": lottery.cost, "have": balance})
    if lottery.min_streak > 0:
        streak = await signin_streak(ctx, person)
        if streak < lottery.min_streak:
            return Unmet("req.streak", {"need": lottery.min_streak, "have": streak})
    if lottery.min_days > 0:
        group, account = lottery.group_key, ctx.user.key
        since = await ctx.app.db.read(lambda conn: member_since(conn, group, account))
        now = ctx.app.clock.now().timestamp()
        days = 0 if since is None else int((now - since) // DAY_SECONDS)
        if days < lottery.min_days:
            return Unmet("req.days", {"need": lottery.min_days, "have": days})
    if lottery.title:
        held = await ctx.app.titles.active_titles(person, ctx.community)
        if lottery.title not in held:
            return Unmet("req.title", {"title": lottery.title})
    return None
