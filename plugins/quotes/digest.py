"""The daily review (精华回顾) and the weekly best-of, as persisted jobs.

Each group's next digest is a job keyed by group and date, scheduled when a quote is
archived there and again after every digest; a ``quotes_digest`` row claimed before posting
makes each period's digest happen once, even when a job is retried or the bot restarts.
A digest that fell due while the bot was down is posted at start.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from shequn import JobContext

from .declaration import WEEKDAYS, QuotesConfig, plugin
from .show import line
from .store import best_between, claim_digest


def next_daily(now: datetime, at: time) -> datetime:
    """The first ``at`` (local time) after ``now``."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def next_weekly(now: datetime, at: time, weekday: int) -> datetime:
    candidate = next_daily(now, at)
    return candidate + timedelta(days=(weekday - candidate.weekday()) % 7)


async def schedule_digests(ctx: JobContext) -> None:
    """Make sure this group's next daily and weekly digests are scheduled (idempotent)."""
    config = ctx.config(QuotesConfig)
    now = ctx.now()
    group = ctx.group_key
    if config.digest_enabled:
        due = next_daily(now, config.digest_at)
        payload = {"days": 1, "due": due.timestamp()}
        key = f"quotes:digest:{group}:{due.date().isoformat()}"
        await ctx.schedule("digest", due, payload, key=key)
    if config.weekly_enabled:
        due = next_weekly(now, config.digest_at, WEEKDAYS.index(config.weekly_day))
        payload = {"days": 7, "due": due.timestamp()}
        key = f"quotes:weekly:{group}:{due.date().isoformat()}"
        await ctx.schedule("weekly", due, payload, key=key)


async def _post(ctx: JobContext, kind: str, size: int, payload: dict[str, Any]) -> None:
    """Post the best quotes of the ``days`` before the job's due time (even when late)."""
    now = ctx.app.clock.now().timestamp()
    end = float(payload.get("due", now))
    start = end - int(payload.get("days", 1)) * 86_400
    group = ctx.group_key
    quotes = await ctx.app.db.read(lambda conn: best_between(conn, group, start, end, size))
    period = datetime.fromtimestamp(end, ctx.timezone).date().isoformat()
    if quotes:
        claimed = await ctx.app.db.write(
            lambda conn: claim_digest(conn, group, kind, period, now), "quotes"
        )
        if claimed:
            lines = [ctx.t(f"digest.{kind}", day=period)]
            lines.extend(line(ctx, quote, 300) for quote in quotes)
            await ctx.send("\n".join(lines))
    await schedule_digests(ctx)


@plugin.job("digest")
async def daily_digest(ctx: JobContext, payload: dict[str, Any]) -> None:
    config = ctx.config(QuotesConfig)
    if config.digest_enabled:
        await _post(ctx, "daily", config.digest_size, payload)


@plugin.job("weekly")
async def weekly_digest(ctx: JobContext, payload: dict[str, Any]) -> None:
    config = ctx.config(QuotesConfig)
    if config.weekly_enabled:
        await _post(ctx, "weekly", config.weekly_size, payload)
