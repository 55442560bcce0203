"""``/points``: a member's balance and rank; ``/points history``: their latest entries."""

from __future__ import annotations

from datetime import datetime

from shequn import Context, User

from .declaration import PointsConfig, plugin


@plugin.command(
    "points",
    aliases=["积分", "我的积分"],
    keywords=["积分", "我的积分"],
    group_only=True,
)
async def points(ctx: Context, member: User | None = None) -> None:
    person = ctx.person if member is None else ctx.person_of(member)
    community = ctx.community
    found = await ctx.app.ledger.standing(person, community)
    name = (await ctx.app.identity.display_names([person]))[person]
    if found.rank is None:
        await ctx.reply(ctx.t("points.none", name=name))
        return
    await ctx.reply(
        ctx.t("points.standing", name=name, points=found.balance, rank=found.rank, of=found.holders)
    )


@plugin.command(
    "points history",
    aliases=["积分 明细", "积分明细"],
    keywords=["积分明细"],
    group_only=True,
)
async def history(ctx: Context) -> None:
    limit = ctx.config(PointsConfig).history_size
    entries = await ctx.app.ledger.history(ctx.person, ctx.community, limit)
    if not entries:
        await ctx.reply(ctx.t("history.empty"))
        return
    translator = ctx.app.translator
    lines = [ctx.t("history.header", count=len(entries))]
    for entry in entries:
        source = entry.plugin
        if translator.has(source, "_title"):
            source = translator.translate(source, ctx.locale, "_title")
        when = datetime.fromtimestamp(entry.created_at, ctx.timezone)
        lines.append(
            ctx.t(
                "history.line",
                when=when.strftime("%m-%d %H:%M"),
                amount=entry.amount,
                source=source,
                reason=ctx.reason(entry.reason, entry.plugin),
            )
        )
    await ctx.reply("\n".join(lines))
