"""``/signin rank``: the longest sign-in streaks still alive in this community."""

from __future__ import annotations

from shequn import Context

from .config import SigninConfig
from .declaration import plugin
from .store import streak_leaders


@plugin.command(
    "signin rank",
    aliases=["签到 排行", "签到排行", "签到榜", "checkin rank"],
    keywords=["签到排行", "签到榜"],
    group_only=True,
)
async def streak_rank(ctx: Context) -> None:
    community = ctx.community
    today = ctx.today()
    size = ctx.config(SigninConfig).rank_size
    leaders = await ctx.app.db.read(lambda conn: streak_leaders(conn, community, today, size))
    if not leaders:
        await ctx.reply(ctx.t("rank.empty", prefix=ctx.app.settings.commands.prefixes[0]))
        return
    names = await ctx.app.identity.display_names([person for person, _ in leaders])
    lines = [ctx.t("rank.header", count=len(leaders))]
    lines.extend(
        ctx.t("rank.line", position=position, name=names[person], streak=streak)
        for position, (person, streak) in enumerate(leaders, start=1)
    )
    await ctx.reply("\n".join(lines))
