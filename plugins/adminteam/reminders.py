"""Reminders to the admin on duty, in private, shortly before each shift.

Each occurrence is a persisted job keyed by shift and start, scheduled when the shift is
added and, when it fires, for the following week; a start-up pass schedules every shift's
next occurrence again (a no-op for those already pending), so a restart neither repeats nor
loses one. Sending claims the occurrence first, so a retried job stays silent."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from shequn import App, JobContext, Message, User, scene_from_dict

from .declaration import AdminTeamConfig, plugin
from .models import Shift
from .store import claim_reminder, every_shift, get
from .week import next_start, span

log = logging.getLogger("shequn.plugins.adminteam")


async def schedule_next(app: App, shift: Shift, after: float) -> None:
    """Schedule the reminder of the first occurrence of ``shift`` starting after ``after``."""
    scene = scene_from_dict(json.loads(shift.scene))
    lead = JobContext(app, plugin, scene).config(AdminTeamConfig).lead
    start = next_start(shift, after)
    at = max(app.clock.now(), (start - lead).astimezone(UTC))
    starts_at = start.timestamp()
    payload = {"shift": shift.id, "starts_at": starts_at, "_scene": json.loads(shift.scene)}
    key = f"adminteam:remind:{shift.id}:{starts_at:.0f}"
    await app.scheduler.schedule(plugin.name, "remind", at, payload, key=key)


@plugin.job("remind")
async def remind(ctx: JobContext, payload: dict[str, Any]) -> None:
    shift_id, starts_at = int(payload["shift"]), float(payload["starts_at"])
    shift = await ctx.app.db.read(lambda conn: get(conn, shift_id))
    if shift is None:
        return  # removed from the roster
    await schedule_next(ctx.app, shift, starts_at)
    now = ctx.app.clock.now().timestamp()
    if starts_at <= now:
        return  # the shift began while the bot was down: too late to be of use
    claimed = await ctx.app.db.write(
        lambda conn: claim_reminder(conn, shift_id, starts_at, now), plugin.name
    )
    if not claimed:
        return
    when = datetime.fromtimestamp(starts_at, ctx.timezone).strftime("%Y-%m-%d %H:%M")
    group = ctx.scene.name or ctx.scene.id if ctx.scene is not None else ""
    text = ctx.t("remind.private", name=shift.name, when=when, hours=span(shift), group=group)
    platform, _, user_id = shift.account.partition(":")
    user = User(platform=platform, id=user_id, name=shift.name)
    try:
        await ctx.send(Message([text]), ctx.app.adapter(platform).private_scene(user))
    except Exception:
        log.warning("could not remind %s of shift %d in private", shift.account, shift_id,
                    exc_info=True)  # fmt: skip


@plugin.on_startup
async def plan_all(app: App) -> None:
    """Schedule every shift's next reminder (already pending ones stay as they are)."""
    now = app.clock.now().timestamp()
    for shift in await app.db.read(every_shift):
        try:
            await schedule_next(app, shift, now)
        except Exception:
            log.exception("could not schedule the reminder of shift %s", shift.id)
