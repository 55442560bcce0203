"""The daily rule run of each group: one persisted job per group and local day."""

from __future__ import annotations

import weakref
from datetime import datetime, time, timedelta

from shequn import App, JobContext

from .config import TitlesConfig

RULES_JOB = "rules"

_scheduled: weakref.WeakKeyDictionary[App, set[str]] = weakref.WeakKeyDictionary()
"""Groups whose next run this process has already scheduled (the job key makes it once
anyway; this only saves the write on every message)."""


def next_run(ctx: JobContext) -> datetime:
    """The next rule run of the group: today's ``rule_hour`` if still ahead, else tomorrow's."""
    now = ctx.now()
    hour = ctx.config(TitlesConfig).rule_hour
    run = datetime.combine(now.date(), time(hour), tzinfo=ctx.timezone)
    return run if run > now else run + timedelta(days=1)


async def ensure_daily(ctx: JobContext) -> None:
    """Schedule the group's next rule run unless it is already scheduled."""
    if ctx.scene is None or ctx.scene.is_private:
        return
    seen = _scheduled.setdefault(ctx.app, set())
    if ctx.group_key in seen:
        return
    await schedule_next(ctx)
    seen.add(ctx.group_key)


async def schedule_next(ctx: JobContext) -> datetime:
    at = next_run(ctx)
    key = f"titles:rules:{ctx.group_key}:{at.date().isoformat()}"
    await ctx.schedule(RULES_JOB, at, {}, key=key)
    return at
