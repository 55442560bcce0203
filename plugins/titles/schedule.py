"""The daily rule run of each group: one persisted job per group and local day."""

from __future__ import annotations

import weakref
from datetime import datetime, time, timedelta

from sqlalchemy import Connection

from shequn import App, Context, JobContext
from shequn.ledger import entries

from .config import TitlesConfig

RULES_JOB = "rules"

_scheduled: weakref.WeakKeyDictionary[App, set[str]] = weakref.WeakKeyDictionary()
"""Groups whose next run this process has already scheduled (the job key makes it once
anyway; this only saves the write on every message)."""

_checked: weakref.WeakKeyDictionary[App, dict[tuple[str, str], float]] = weakref.WeakKeyDictionary()
"""(group, person) whose ledger activity was looked at without result, and when: a member
is looked at again only after ``RECHECK_SECONDS``, so chat costs no database read."""
RECHECK_SECONDS = 600.0
CHECKED_LIMIT = 100_000

RULE_PLUGINS = ("signin", "quotes", "referral", "sessions")
"""Plugins whose ledger rows the rules measure: a group starts its daily run once one of
its members has such a row (so quiet groups never get a job)."""


def _active(conn: Connection, community: str, person: str) -> bool:
    return any(entries(conn, community, name, person=person, limit=1) for name in RULE_PLUGINS)


async def ensure_daily_if_active(ctx: Context) -> None:
    """Start the group's daily run once a member shows activity the rules measure."""
    if ctx.scene is None or ctx.scene.is_private or ctx.group_key in _scheduled.get(ctx.app, ()):
        return
    checked = _checked.setdefault(ctx.app, {})
    key = (ctx.group_key, ctx.person)
    now = ctx.app.clock.now().timestamp()
    if now - checked.get(key, -RECHECK_SECONDS) < RECHECK_SECONDS:
        return
    if len(checked) > CHECKED_LIMIT:
        checked.clear()
    checked[key] = now
    community, person = ctx.community, ctx.person
    if await ctx.app.db.read(lambda conn: _active(conn, community, person)):
        await ensure_daily(ctx)


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
