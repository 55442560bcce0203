"""Carrying out an action (delete, warn, mute, kick, ban) once, audited, with escalation.

Each action is claimed in the audit log by key before it touches the platform, so a
redelivered event, a double-clicked command or a second worker never acts twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from shequn import Context, NotSupported, User

from .config import Action, ModerationConfig
from .members import accounts_on, community_groups
from .store import Where, add_warning, audit, blacklist

log = logging.getLogger("shequn.moderation")

AUTO = "auto"
"""The actor of actions taken by a rule."""


def where(ctx: Context) -> Where:
    return Where(ctx.community, ctx.group_key)


def now(ctx: Context) -> float:
    return ctx.app.clock.now().timestamp()


async def claim(ctx: Context, key: str, person: str, action: str, reason: str, actor: str) -> bool:
    """Write the audit entry of an action; False when it was done before."""
    stamp = now(ctx)
    here = where(ctx)
    return await ctx.app.db.write(
        lambda conn: audit(conn, key, here, actor, person, action, reason, stamp), "moderation"
    )


async def carry_out(
    ctx: Context,
    user: User,
    action: Action,
    reason: str,
    key: str,
    actor: str,
    *,
    minutes: int | None = None,
) -> bool:
    """Do ``action`` to ``user`` once per ``key``; announce it. True when it was done now."""
    config = ctx.config(ModerationConfig)
    person = ctx.person_of(user)
    if action == "none":
        return False
    if action == "warn":
        return await warn(ctx, user, reason, key, actor)
    if not await claim(ctx, f"{key}:{action}", person, action, reason, actor):
        return False
    name = user.display_name
    if action == "delete":
        return True  # the message itself is deleted by the caller
    if action == "mute":
        length = minutes or config.mute_minutes
        if await ctx.mute(user, timedelta(minutes=length)):
            await ctx.reply(ctx.t("done.mute", name=name, minutes=length, reason=reason))
        return True
    if action == "kick":
        if await ctx.kick(user):
            await ctx.reply(ctx.t("done.kick", name=name, reason=reason))
        return True
    await ban_everywhere(ctx, user, person, reason, actor)
    return True


async def ban_everywhere(ctx: Context, user: User, person: str, reason: str, actor: str) -> None:
    """Ban in this group and, through the shared blacklist, in every group of the community."""
    stamp = now(ctx)
    community = ctx.community
    await ctx.app.db.write(
        lambda conn: blacklist(conn, community, person, reason, actor, stamp), "moderation"
    )
    if await ctx.ban(user):
        await ctx.reply(ctx.t("done.ban", name=user.display_name, reason=reason))
    here = ctx.scene.group.key if ctx.scene is not None else ""
    for scene in community_groups(ctx):
        if scene.key == here:
            continue
        adapter = ctx.app.adapters[scene.platform]
        for account in accounts_on(ctx, person, scene.platform):
            try:
                await adapter.ban(scene, account)
            except NotSupported:
                log.info("cannot ban on %s: not supported", scene.platform)
            except Exception:
                log.warning("ban of %s in %s failed", account.key, scene.key, exc_info=True)


async def warn(ctx: Context, user: User, reason: str, key: str, actor: str) -> bool:
    """Record a warning (once per ``key``), announce it, and escalate by the count."""
    config = ctx.config(ModerationConfig)
    person = ctx.person_of(user)
    stamp = now(ctx)
    since = stamp - config.warn_expire_days * 86_400 if config.warn_expire_days else 0.0
    here = where(ctx)
    count = await ctx.app.db.write(
        lambda conn: add_warning(conn, key, here, person, reason, actor, stamp, since),
        "moderation",
    )
    if count is None:
        return False
    await claim(ctx, f"{key}:warn", person, "warn", reason, actor)
    await ctx.reply(ctx.t("done.warn", name=user.display_name, count=count, reason=reason))
    step = escalation(config, count)
    if step is not None:
        why = ctx.t("reason.escalation", count=count)
        await carry_out(ctx, user, step, why, f"{key}:escalate", actor)
    return True


def escalation(config: ModerationConfig, count: int) -> Action | None:
    """The harshest step whose threshold ``count`` has reached exactly or passed."""
    for threshold, action in (
        (config.warn_ban_at, "ban"),
        (config.warn_kick_at, "kick"),
        (config.warn_mute_at, "mute"),
    ):
        if threshold and count >= threshold:
            return action  # type: ignore[return-value]
    return None
