"""``/grant @member N reason`` adds points (a negative N deducts); ``/deduct @member N
reason`` (扣积分, 扣分) always takes ``|N|``: both go through :func:`move_points`.

Points go only to an account seen in the community (it spoke, used the bot, joined or left
in one of its groups, or already has ledger entries there): a mistyped mention or an account
that never came near the group gets a clear refusal, not a silent grant.

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


async def seen_here(ctx: Context, person: str) -> bool:
    """Whether ``person`` was ever seen in this community (what the analytics recorded,
    buffered records included, or a ledger entry)."""
    groups = ctx.app.analytics.community_groups(ctx.community)
    if await ctx.app.analytics.has_seen(person, groups):
        return True
    return bool(await ctx.app.ledger.history(person, ctx.community, 1))


async def move_points(ctx: Context, member: User, amount: int, reason: str) -> None:
    """Post ``amount`` (negative: a deduction) to ``member`` with its audit entry, and say
    what happened."""
    limit = ctx.config(PointsConfig).max_grant
    if amount == 0:
        await ctx.reply(ctx.t("grant.zero"))
        return
    if abs(amount) > limit:
        await ctx.reply(ctx.t("grant.too_large", limit=limit))
        return
    person, why, key = ctx.person_of(member), reason.strip()[:REASON_LENGTH], grant_key(ctx)
    if not await seen_here(ctx, person):
        await ctx.reply(ctx.t("grant.unseen", account=member.key))
        return
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


@plugin.command("grant", aliases=["发积分"], permission=Level.ADMIN, group_only=True)
async def grant(ctx: Context, member: User, amount: int, *, reason: str) -> None:
    await move_points(ctx, member, amount, reason)


@plugin.command("deduct", aliases=["扣积分", "扣分"], permission=Level.ADMIN, group_only=True)
async def deduct(ctx: Context, member: User, amount: int, *, reason: str) -> None:
    """The amount is always taken, whatever its sign: ``/扣积分 @bob 2`` never pays bob."""
    await move_points(ctx, member, -abs(amount), reason)
