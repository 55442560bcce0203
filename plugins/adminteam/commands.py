"""``/duty``: the roster and who is on duty now; ``add``, ``remove`` (admins), ``me``, and
``report`` (admins): per admin the actions taken."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from shequn import Context, Level, User, scene_to_dict

from .audited import ADDED, REMOVED, Actor, add_shift, remove_shift
from .declaration import AdminTeamConfig, plugin
from .models import Shift
from .reminders import schedule_next
from .report import action_counts, without_rules
from .store import MAX_SHIFTS, roster
from .week import ShiftError, next_start, on_duty, parse_hours, span

ACTIONS = ("warn", "mute", "kick", "ban", "delete", "lockdown", "unlock", "grant", "deduct",
           ADDED, REMOVED)  # fmt: skip
"""Actions with a translated name; others show as recorded."""
MAX_REPORT_DAYS = 366


def _prefix(ctx: Context) -> str:
    return ctx.app.settings.commands.prefixes[0]


def _line(ctx: Context, shift: Shift) -> str:
    day = ctx.t(f"day.{shift.weekday}")
    return ctx.t("roster.line", id=shift.id, day=day, hours=span(shift), name=shift.name)


@plugin.command("duty", aliases=["值班"], group_only=True)
async def duty(ctx: Context) -> None:
    group_key, now = ctx.group_key, ctx.app.clock.now().timestamp()
    shifts = await ctx.app.db.read(lambda conn: roster(conn, group_key))
    if not shifts:
        await ctx.reply(ctx.t("roster.empty", prefix=_prefix(ctx)))
        return
    lines = [ctx.t("roster.header")]
    lines.extend(_line(ctx, shift) for shift in shifts)
    names = list(dict.fromkeys(s.name for s in shifts if on_duty(s, now)))
    if names:
        lines.append(ctx.t("roster.now", names=", ".join(names)))
    else:
        lines.append(ctx.t("roster.nobody"))
    await ctx.reply("\n".join(lines))


@plugin.command("duty add", aliases=["值班 添加"], permission=Level.ADMIN, group_only=True)
async def duty_add(ctx: Context, member: User, day: str, *, hours: str = "") -> None:
    try:
        parsed = parse_hours(day, hours)
    except ShiftError as error:
        await ctx.reply(ctx.t(error.key, prefix=_prefix(ctx), **error.values))
        return
    assert ctx.scene is not None  # group_only
    if await ctx.app.level_of(ctx.scene, member) < Level.ADMIN:
        await ctx.reply(ctx.t("add.not_admin", name=member.display_name))
        return
    now = ctx.app.clock.now().timestamp()
    values: dict[str, Any] = {
        "community": ctx.community,
        "group_key": ctx.group_key,
        "scene": json.dumps(scene_to_dict(ctx.scene.group), ensure_ascii=False),
        "person": ctx.person_of(member),
        "account": member.key,
        "name": member.display_name[:200],
        "weekday": parsed.weekday,
        "start_minute": parsed.start,
        "end_minute": parsed.end,
        "timezone": ctx.timezone.key,
        "created_by": ctx.person,
        "created_at": now,
    }
    actor = Actor.of(ctx)
    shift_id = await ctx.app.db.write(lambda conn: add_shift(conn, values, actor), plugin.name)
    if shift_id is None:
        await ctx.reply(ctx.t("add.full", max=MAX_SHIFTS))
        return
    shift = Shift(id=shift_id, **values)
    await schedule_next(ctx.app, shift, now)
    first = next_start(shift, now).astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M")
    await ctx.reply(ctx.t("add.done", line=_line(ctx, shift), first=first,
                          before=ctx.config(AdminTeamConfig).remind_before))  # fmt: skip


@plugin.command("duty remove", aliases=["值班 删除"], permission=Level.ADMIN, group_only=True)
async def duty_remove(ctx: Context, shift: int) -> None:
    group_key, actor, now = ctx.group_key, Actor.of(ctx), ctx.app.clock.now().timestamp()
    if await ctx.app.db.write(
        lambda conn: remove_shift(conn, group_key, shift, actor, now), plugin.name
    ):
        await ctx.reply(ctx.t("remove.done", id=shift))
    else:
        await ctx.reply(ctx.t("remove.unknown", id=shift, prefix=_prefix(ctx)))


@plugin.command("duty me", aliases=["值班 我的", "我的值班"], group_only=True)
async def duty_me(ctx: Context) -> None:
    group_key, person = ctx.group_key, ctx.person
    mine = [s for s in await ctx.app.db.read(lambda conn: roster(conn, group_key))
            if s.person == person]  # fmt: skip
    if not mine:
        await ctx.reply(ctx.t("me.none", name=ctx.user.display_name))
        return
    now = ctx.app.clock.now().timestamp()
    upcoming = min(next_start(s, now) for s in mine)
    nxt = upcoming.astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M")
    lines = [ctx.t("me.header", name=ctx.user.display_name, next=nxt)]
    lines.extend(_line(ctx, shift) for shift in mine)
    await ctx.reply("\n".join(lines))


@plugin.command("duty report", aliases=["值班 报告", "管理报告"], permission=Level.ADMIN,
                group_only=True)  # fmt: skip
async def duty_report(ctx: Context, days: int = 0) -> None:
    days = days or ctx.config(AdminTeamConfig).report_days
    if not 1 <= days <= MAX_REPORT_DAYS:
        await ctx.reply(ctx.t("report.usage", prefix=_prefix(ctx), max=MAX_REPORT_DAYS))
        return
    now = ctx.app.clock.now().timestamp()
    counts, by_rules = without_rules(
        await action_counts(ctx.app, ctx.community, now - days * 86400)
    )
    group_key = ctx.group_key
    for shift in await ctx.app.db.read(lambda conn: roster(conn, group_key)):
        counts.setdefault(shift.person, Counter())  # admins on duty who did nothing show too
    since = datetime.fromtimestamp(now - days * 86400, ctx.timezone).strftime("%Y-%m-%d")
    lines = [ctx.t("report.header", days=days, since=since)]
    if not counts:
        lines.append(ctx.t("report.none"))
    names = await ctx.app.identity.display_names(list(counts))
    ranked = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), names[item[0]]))
    for person, actions in ranked:
        parts = ctx.t("report.joiner").join(
            f"{_action(ctx, action)} {count}" for action, count in sorted(actions.items())
        )
        lines.append(ctx.t("report.line", name=names[person], total=sum(actions.values()),
                           actions=parts or "-"))  # fmt: skip
    if by_rules:
        lines.append(ctx.t("report.rules", count=by_rules))
    await ctx.reply("\n".join(lines))


def _action(ctx: Context, action: str) -> str:
    return ctx.t(f"action.{action}") if action in ACTIONS else action
