"""``/grant @member N reason``: admins add points, or deduct them with a negative N.

The ledger key derives from the triggering event, so a redelivered event (even one handled
by a second worker) never grants twice, while two grants typed by an admin are two grants.
"""

from __future__ import annotations

from shequn import Context, Level, Outcome, User

from .declaration import PointsConfig, plugin


def grant_key(ctx: Context) -> str:
    """One key per platform event: the event id within its scene."""
    return f"points:grant:{ctx.event.scene.key}:{ctx.event.id}"


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
    person = ctx.person_of(member)
    # The ledger has no column for who granted: keep the admin next to the reason.
    recorded = f"{reason.strip()[:160]} ({ctx.user.key})"
    outcome = await ctx.post(ctx.posting(person, amount, recorded, grant_key(ctx)))
    name = (await ctx.app.identity.display_names([person]))[person]
    balance = await ctx.app.ledger.balance(person, ctx.community)
    if outcome is Outcome.INSUFFICIENT:
        await ctx.reply(ctx.t("grant.insufficient", name=name, balance=balance, amount=-amount))
    elif outcome is Outcome.DUPLICATE:
        await ctx.reply(ctx.t("grant.duplicate", name=name, balance=balance))
    else:
        key = "grant.added" if amount > 0 else "grant.deducted"
        await ctx.reply(
            ctx.t(key, name=name, amount=abs(amount), reason=reason.strip(), balance=balance)
        )
