"""The newcomer plan (新人 SOP): day 1 the rules, day 3 an introduction prompt, day 7 an
invitation. Joining books one persisted job per member and day, keyed by both, so a
redelivered join or a restart neither repeats nor loses a step; each step is also recorded
as a delivery with the same key before it is sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shequn import Context, JobContext, MemberJoined, Mention, Message, Text

from .config import PLAN_DAYS, AnnounceConfig
from .declaration import plugin
from .delivery import send_once


def plan_key(group_key: str, person: str, day: int) -> str:
    return f"announce:plan:{group_key}:{person}:{day}"


@plugin.on(MemberJoined, priority=220)
async def book_plan(ctx: Context) -> None:
    config = ctx.config(AnnounceConfig)
    if not config.plan_enabled or ctx.user.is_bot:
        return
    joined = ctx.app.clock.now()
    for day in PLAN_DAYS:
        if config.plan_text(day).strip() == "-":
            continue
        key = plan_key(ctx.group_key, ctx.person, day)
        payload = {"day": day, "user": ctx.user.id, "name": ctx.user.display_name, "key": key}
        await ctx.schedule("plan", joined + timedelta(days=day - 1), payload, key=key)


def plan_message(ctx: JobContext, config: AnnounceConfig, day: int, user: str, name: str) -> str:
    custom = config.plan_text(day).strip()
    if custom:
        return custom
    if day == 1:
        rules = config.rules.strip() or ctx.t("plan.no_rules")
        return ctx.t("plan.day1", name=name, rules=rules)
    if day == 3:
        return ctx.t("plan.day3", name=name)
    invitation = config.invitation.strip() or ctx.t("plan.no_invitation")
    return ctx.t("plan.day7", name=name, invitation=invitation)


@plugin.job("plan")
async def send_step(ctx: JobContext, payload: dict[str, Any]) -> None:
    if ctx.scene is None:
        return
    config = ctx.config(AnnounceConfig)
    day, user, name = int(payload["day"]), str(payload["user"]), str(payload["name"])
    if not config.plan_enabled or config.plan_text(day).strip() == "-":
        return
    text = plan_message(ctx, config, day, user, name)
    message = Message([Mention(user, name), Text(" " + text)])
    person = ctx.app.identity.person_of(f"{ctx.scene.platform}:{user}")
    row = {"key": str(payload["key"]), "kind": "plan", "schedule_id": None, "person": person}
    await send_once(ctx, ctx.scene, message, row)
