"""``/rank``: the community's points leaderboard, with the caller's place when off the board."""

from __future__ import annotations

from shequn import Context

from .declaration import PointsConfig, plugin


@plugin.command(
    "rank",
    aliases=["排行", "积分榜", "积分排行"],
    keywords=["积分榜", "积分排行"],
    group_only=True,
)
async def rank(ctx: Context) -> None:
    size = ctx.config(PointsConfig).leaderboard_size
    board = await ctx.app.ledger.top(ctx.community, size)
    if not board:
        await ctx.reply(ctx.t("rank.empty"))
        return
    names = await ctx.app.identity.display_names([person for person, _ in board])
    lines = [ctx.t("rank.header", count=len(board))]
    lines.extend(
        ctx.t("rank.line", position=position, name=names[person], points=amount)
        for position, (person, amount) in enumerate(board, start=1)
    )
    me = ctx.person
    if all(person != me for person, _ in board):
        community = ctx.community
        mine = await ctx.app.ledger.standing(me, community)
        if mine.rank is not None:
            lines.append(ctx.t("rank.you", rank=mine.rank, points=mine.balance))
    await ctx.reply("\n".join(lines))
