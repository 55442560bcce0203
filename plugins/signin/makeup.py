"""``/signin makeup DAY`` (补签): fill in a missed day for points, restoring the streak."""

from __future__ import annotations

from datetime import timedelta

from shequn import Context, Outcome

from .config import SigninConfig
from .dates import parse_day
from .declaration import plugin
from .member import member_of
from .store import AlreadySigned, Refused, latest_missed, make_up


@plugin.command(
    "signin makeup",
    aliases=["补签", "签到 补签", "checkin makeup"],
    keywords=["补签"],
    group_only=True,
)
async def makeup(ctx: Context, day: str = "") -> None:
    config = ctx.config(SigninConfig)
    if not config.makeup_enabled:
        await ctx.reply(ctx.t("makeup.disabled"))
        return
    who = member_of(ctx)
    today = ctx.today()
    earliest = today - timedelta(days=config.makeup_days)
    if day:
        target = parse_day(day, today)
        if target is None:
            await ctx.reply(ctx.t("makeup.bad_day", value=day[:40]))
            return
    else:
        window = config.makeup_days
        target = await ctx.app.db.read(lambda conn: latest_missed(conn, who, today, window))
        if target is None:
            await ctx.reply(ctx.t("makeup.nothing", earliest=earliest))
            return
    if target >= today:
        await ctx.reply(ctx.t("makeup.not_past", prefix=ctx.app.settings.commands.prefixes[0]))
        return
    if target < earliest:
        await ctx.reply(ctx.t("makeup.too_old", earliest=earliest))
        return
    cost = config.makeup_cost
    now = ctx.app.clock.now().timestamp()
    result = await ctx.app.db.write(
        lambda conn: make_up(conn, who, target, today, cost, now), "signin"
    )
    if isinstance(result, AlreadySigned):
        await ctx.reply(ctx.t("makeup.already", day=target))
    elif isinstance(result, Refused):
        key = "makeup.insufficient" if result.outcome is Outcome.INSUFFICIENT else "makeup.conflict"
        await ctx.reply(ctx.t(key, cost=cost, balance=result.balance, day=target))
    else:
        await ctx.reply(
            ctx.t(
                "makeup.done", day=target, cost=cost, streak=result.streak, balance=result.balance
            )
        )
