"""``/grant @member N reason``: admins add points, or deduct them with a negative N.

The posting and its audit entry (who granted, to whom, how much, why) commit in one
transaction under one key derived from the triggering event, so a redelivered event (even
one handled by a second worker) neither grants nor audits twice, while two grants typed by
an admin are two grants. The ledger row keeps the reason alone: who granted lives in the
core audit log, never inside the reason text.
"""

from __future__ import annotations

from sqlalchemy import Connection

from shequn import Context, Level, Outcome, Posting, User
from shequn.audit import Audited, record
from shequn.ledger import post

from .declaration import PointsConfig, plugin

REASON_LENGTH = 200
"""What the ledger and the audit log keep of a reason."""


def grant_key(ctx: Context) -> str:
    """One key per platform event (its scene and id, as the event's dedup key), shared by the
    ledger row and the audit entry: the report tells grants audited from older ones by it."""
    return f"points:grant:{ctx.event.scene.key}:{ctx.event.id}"


def audit_action(amount: int) -> str:
    """The audit log's name of a grant (``grant``) or a deduction (``deduct``)."""
    return "grant" if amount > 0 else "deduct"


def _grant(conn: Connection, posting: Posting, entry: Audited, now: float) -> Outcome:
    """Post and audit together: an entry exactly when the posting was applied."""
    outcome = post(conn, [posting], now)
    if outcome is Outcome.APPLIED:
        record(conn, entry, now)
    return outcome


@plugin.command(
    "grant",
    aliases=["发积分", "扣积分"],
    permission=Level.ADMIN,
    group_only=True,
)
async def grant(ctx: Context, member: User, amount: int, *, reason: str) -> None:
    limit = ctx.config(PointsConfig).max_grant
    if amount == 0:
        await ctx.reply(ctx.t("grant.zero"))
        return
    if abs(amount) > limit:
        await ctx.reply(ctx.t("grant.too_large", limit=limit))
        return
    person, why, key = ctx.person_of(member), reason.strip()[:REASON_LENGTH], grant_key(ctx)
    posting = ctx.posting(person, amount, why, key)
    entry = Audited(
        key, ctx.community, ctx.group_key, ctx.person, audit_action(amount), person,
        f"{amount:+d} {why}", plugin.name,
    )  # fmt: skip
    now = ctx.app.clock.now().timestamp()
    outcome = await ctx.app.db.write(lambda conn: _grant(conn, posting, entry, now), plugin.name)
    name = (await ctx.app.identity.display_names([person]))[person]
    balance = await ctx.app.ledger.balance(person, ctx.community)
    if outcome is Outcome.INSUFFICIENT:
        await ctx.reply(ctx.t("grant.insufficient", name=name, balance=balance, amount=-amount))
    elif outcome is Outcome.DUPLICATE:
        await ctx.reply(ctx.t("grant.duplicate", name=name, balance=balance))
    else:
        text = "grant.added" if amount > 0 else "grant.deducted"
        await ctx.reply(ctx.t(text, name=name, amount=abs(amount), reason=why, balance=balance))
