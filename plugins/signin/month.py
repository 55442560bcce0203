"""``/signin calendar``: this month's sign-ins as a small text calendar."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from shequn import Context

from .dates import month_bounds, month_grid
from .declaration import plugin
from .member import member_of
from .store import current_streak, month_days


@plugin.command(
    "signin calendar",
    aliases=["签到 日历", "签到日历", "checkin calendar"],
    keywords=["签到日历"],
    group_only=True,
)
async def signin_calendar(ctx: Context) -> None:
    who = member_of(ctx)
    today = ctx.today()
    first, last = month_bounds(today)

    def read(conn: Connection) -> tuple[dict[date, bool], int]:
        return month_days(conn, who, first, last), current_streak(conn, who, today)

    signed, streak = await ctx.app.db.read(read)
    lines = [ctx.t("calendar.header", name=ctx.user.display_name, month=f"{today:%Y-%m}")]
    lines.extend(month_grid(today.year, today.month, signed, ctx.t("calendar.weekdays").split()))
    lines.append(ctx.t("calendar.legend"))
    lines.append(ctx.t("calendar.summary", count=len(signed), days=today.day, streak=streak))
    await ctx.reply("\n".join(lines))
