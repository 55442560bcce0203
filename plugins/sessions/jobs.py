"""The reminders: to the host in private (or a call for a volunteer when the slot is open)
and to the group. Each claims its occurrence's flag before sending, so a job that runs again
(a retry, a second worker) never repeats a reminder."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from shequn import JobContext, Message

from .declaration import plugin
from .models import OccurrenceRow, SeriesRow
from .planning import plan
from .spec import start_of
from .store import claim_reminder, get


def when(ctx: JobContext, timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, ctx.timezone).strftime("%Y-%m-%d %H:%M")


async def _claim(
    ctx: JobContext, payload: dict[str, Any], flag: Literal["host", "group"]
) -> tuple[SeriesRow, OccurrenceRow] | None:
    series_id, number = int(payload["series"]), int(payload["number"])
    series = await ctx.app.db.read(lambda conn: get(conn, series_id))
    if series is None or series.state != "active":
        return None
    if flag == "group":  # roll the rota on: the sessions after this one
        await plan(ctx, series, after=start_of(series, number))
    now = ctx.app.clock.now().timestamp()
    row = await ctx.app.db.write(
        lambda conn: claim_reminder(conn, series_id, number, flag), "sessions"
    )
    if row is None or row.starts_at <= now:
        return None  # reminded already, or too late to be of use (the bot was down)
    return series, row


@plugin.job("host_remind")
async def host_remind(ctx: JobContext, payload: dict[str, Any]) -> None:
    claimed = await _claim(ctx, payload, "host")
    if claimed is None:
        return
    series, row = claimed
    at = when(ctx, row.starts_at)
    prefix = ctx.app.settings.commands.prefixes[0]
    if row.host is None or row.host_account is None:
        await ctx.send(ctx.t("remind.no_host", title=series.title, number=row.number, when=at,
                             prefix=prefix, series=series.id))  # fmt: skip
        return
    text = ctx.t("remind.host", title=series.title, number=row.number, when=at, prefix=prefix)
    await ctx.send_private(row.host_account, row.host_name or "", text)


@plugin.job("group_remind")
async def group_remind(ctx: JobContext, payload: dict[str, Any]) -> None:
    claimed = await _claim(ctx, payload, "group")
    if claimed is None:
        return
    series, row = claimed
    at = when(ctx, row.starts_at)
    if row.host is None or row.host_account is None:
        await ctx.send(ctx.t("remind.group_open", title=series.title, number=row.number, when=at))
        return
    text = ctx.t("remind.group", title=series.title, number=row.number, when=at)
    await ctx.send(Message([text, " ", ctx.mention(row.host_account, row.host_name or "")]))
