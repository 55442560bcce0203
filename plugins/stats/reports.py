"""The weekly report to each group's admins and the decline alert, as persisted jobs.

Each job is scheduled with a key naming its week (or day), so however often the bot starts
there is one job per period; the scheduler lets one worker run it; and each group's report is
claimed in ``stats_report`` before it is sent, so a retried job skips groups already done.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shequn import App, JobContext, Level, Message, Scene, SceneKind, Text, User
from shequn.analytics import DECLINE_STAGES

from .declaration import StatsConfig, plugin
from .report import message
from .store import claim_report, move_stage

log = logging.getLogger("shequn.stats")

WEEKLY_JOB = "weekly"
CHECK_JOB = "check"
REPORT_TIME = time(9, 0)
"""Monday, local time of the config file's timezone."""
CHECK_TIME = time(8, 0)
"""Every day, the stage check behind the decline alert."""
MAX_CANDIDATES = 30
"""Most active members whose platform role is asked when looking for admins."""


def _zone(app: App) -> ZoneInfo:
    try:
        return ZoneInfo(app.settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_weekly(app: App, after: datetime) -> datetime:
    """The first Monday at ``REPORT_TIME`` strictly after ``after``."""
    local = after.astimezone(_zone(app))
    monday = local.date() - timedelta(days=local.weekday())
    at = datetime.combine(monday, REPORT_TIME, local.tzinfo)
    return at if at > local else at + timedelta(days=7)


def next_check(app: App, after: datetime) -> datetime:
    local = after.astimezone(_zone(app))
    at = datetime.combine(local.date(), CHECK_TIME, local.tzinfo)
    return at if at > local else at + timedelta(days=1)


async def _schedule(app: App, after: datetime) -> None:
    ctx = JobContext(app, plugin, None)
    weekly = next_weekly(app, after)
    check = next_check(app, after)
    week, day = weekly.date().isoformat(), check.date().isoformat()
    await ctx.schedule(WEEKLY_JOB, weekly, {"week": week}, key=f"stats:weekly:{week}")
    await ctx.schedule(CHECK_JOB, check, {"day": day}, key=f"stats:check:{day}")


@plugin.on_startup
async def schedule_reports(app: App) -> None:
    await _schedule(app, app.clock.now())


def _config(app: App, group_key: str) -> StatsConfig | None:
    if not app.group_settings.is_enabled(plugin, group_key):
        return None
    config = app.group_settings.config(plugin, group_key)
    return config if isinstance(config, StatsConfig) else None


def _group_scene(group_key: str) -> Scene:
    platform, _, group_id = group_key.partition(":")
    return Scene(platform=platform, kind=SceneKind.GROUP, id=group_id)


async def admins_of(app: App, group_key: str) -> list[User]:
    """Admins among the group's most active members, by the platform's own roles."""
    scene = _group_scene(group_key)
    found: list[User] = []
    for member in (await app.analytics.member_roles(group_key, days=30))[:MAX_CANDIDATES]:
        for account in app.identity.accounts_of(member.person):
            platform, _, user_id = account.partition(":")
            if platform != scene.platform:
                continue
            user = User(platform=platform, id=user_id, name=member.name)
            if await app.level_of(scene, user) >= Level.ADMIN:
                found.append(user)
    return found


async def _tell_admins(app: App, group_key: str, content: Message) -> int:
    adapter = app.adapters.get(_group_scene(group_key).platform)
    if adapter is None:
        return 0
    sent = 0
    for user in await admins_of(app, group_key):
        try:
            await app.send(adapter.private_scene(user), content)
            sent += 1
        except Exception:
            log.warning("could not send stats to %s for %s", user.key, group_key, exc_info=True)
    return sent


@plugin.job(WEEKLY_JOB)
async def weekly_report(ctx: JobContext, payload: dict[str, Any]) -> None:
    app = ctx.app
    week = str(payload.get("week", ""))[:10]
    await _schedule(app, app.clock.now())
    for group_key in await app.analytics.groups(days=7):
        config = _config(app, group_key)
        if config is None or not config.weekly_report:
            continue
        now = app.clock.now().timestamp()
        claim = partial(claim_report, group_key=group_key, week=week, now=now)
        if not await app.db.write(claim):
            continue
        locale = app.group_locale(group_key)
        health = await app.analytics.group_health(group_key, days=7, locale=locale)
        adapter = app.adapters.get(_group_scene(group_key).platform)
        images = adapter is not None and adapter.capabilities.images
        title = app.translator.translate("stats", locale, "report.title", group=group_key)
        body = message(app, health, locale, images=images)
        await _tell_admins(app, group_key, Message([Text(title + "\n"), *body]))


@plugin.job(CHECK_JOB)
async def stage_check(ctx: JobContext, payload: dict[str, Any]) -> None:
    app = ctx.app
    await _schedule(app, app.clock.now())
    for group_key in await app.analytics.groups(days=30):
        locale = app.group_locale(group_key)
        health = await app.analytics.group_health(group_key, days=30, locale=locale)
        now = app.clock.now().timestamp()
        stage = health.stage.code
        move = partial(move_stage, group_key=group_key, stage=stage, now=now)
        before = await app.db.write(move)
        if before is None or before in DECLINE_STAGES or stage not in DECLINE_STAGES:
            continue
        config = _config(app, group_key)
        if config is None or not config.decline_alert:
            continue
        t = app.translator.translate
        text = "\n".join(
            [
                t(
                    "stats",
                    locale,
                    "alert.decline",
                    group=group_key,
                    before=t("analytics", locale, f"stage.{before}"),
                    stage=health.stage.name,
                ),
                *(f"  · {e}" for e in health.stage.evidence),
            ]
        )
        await _tell_admins(app, group_key, Message([Text(text)]))
