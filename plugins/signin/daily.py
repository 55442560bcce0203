"""``/signin`` (签到, 打卡): today's sign-in and its points, once per member and day."""

from __future__ import annotations

from shequn import Context

from .config import SigninConfig
from .declaration import plugin
from .member import member_of
from .rewards import award_for, next_bonus
from .store import AlreadySigned, Refused, sign_in


@plugin.command(
    "signin",
    aliases=["签到", "打卡", "checkin"],
    keywords=["签到", "打卡"],
    group_only=True,
)
async def signin(ctx: Context) -> None:
    config = ctx.config(SigninConfig)
    who = member_of(ctx)
    day = ctx.today()
    now = ctx.app.clock.now().timestamp()
    result = await ctx.app.db.write(
        lambda conn: sign_in(conn, who, day, lambda streak: award_for(config, streak), now),
        "signin",
    )
    name = ctx.user.display_name
    if isinstance(result, AlreadySigned):
        await ctx.reply(ctx.t("signin.already", name=name, streak=result.streak))
        return
    if isinstance(result, Refused):
        await ctx.reply(ctx.t("signin.conflict", name=name))
        return
    lines = [
        ctx.t(
            "signin.done",
            name=name,
            points=result.award.total,
            streak=result.streak,
            balance=result.balance,
        )
    ]
    if result.award.bonus:
        lines.append(ctx.t("signin.bonus", bonus=result.award.bonus, streak=result.streak))
    upcoming = next_bonus(result.streak, config.streak_bonus)
    if upcoming is not None:
        lines.append(ctx.t("signin.next_bonus", streak=upcoming[0], bonus=upcoming[1]))
    await ctx.reply("\n".join(lines))
