"""During a lockdown: newcomers are muted until it lifts, members (not admins) are slowed
or muted; outside one: joins and messages are counted to start one on a surge.

It runs before other plugins (priority 5) so that a held message reaches no one, and it
watches joins and messages itself: plugins never import each other, so moderation does
not call it; the surge thresholds live here instead."""

from __future__ import annotations

import json
import logging

from shequn import Context, Level, MemberJoined, MessageEvent, scene_to_dict

from .actions import start
from .config import LockdownConfig
from .declaration import plugin
from .state import watch_of
from .store import Lock, hold

log = logging.getLogger("shequn.plugins.lockdown")

PRIORITY = 5


async def _hold(ctx: Context, current: Lock, newcomer: bool) -> bool:
    """Mute the acting member until the lockdown ends; True the first time."""
    assert ctx.scene is not None
    now = ctx.app.clock.now().timestamp()
    values = {
        "community": current.community,
        "epoch": current.epoch,
        "user_key": ctx.user.key,
        "scene": json.dumps(scene_to_dict(ctx.scene), ensure_ascii=False),
        "newcomer": newcomer,
        "created_at": now,
    }
    if not await ctx.app.db.write(lambda conn: hold(conn, values), "lockdown"):
        return False
    seconds = max(1, int(current.until - now))
    try:
        await ctx.app.adapter(ctx.scene.platform).mute(ctx.scene, ctx.user, seconds)
    except Exception as exc:  # NotSupported included: the message is still removed
        log.info("lockdown could not mute %s in %s: %r", ctx.user.key, ctx.scene.key, exc)
    return True


@plugin.on(MemberJoined, priority=PRIORITY)
async def on_join(ctx: Context) -> None:
    if ctx.scene is None or ctx.user.is_bot:
        return
    watch = watch_of(ctx.app)
    community = ctx.community
    current = watch.locks.get(community)
    if current is None:
        config = ctx.config(LockdownConfig)
        now = ctx.app.clock.now().timestamp()
        if config.surge_joins and watch.surge(
            "joins", community, now, config.surge_joins, config.surge_join_seconds
        ):
            current = (await start(ctx, config.auto_minutes, "joins", "auto")).lock
        else:
            return
    if await _hold(ctx, current, newcomer=True):
        await ctx.reply(ctx.t("newcomer.held", name=ctx.user.display_name))


@plugin.on(MessageEvent, priority=PRIORITY)
async def on_message(ctx: Context) -> None:
    if ctx.scene is None or ctx.scene.is_private:
        return
    watch = watch_of(ctx.app)
    community = ctx.community
    current = watch.locks.get(community)
    now = ctx.app.clock.now().timestamp()
    if current is None:
        config = ctx.config(LockdownConfig)
        if not config.surge_messages or not watch.surge(
            "messages", community, now, config.surge_messages, config.surge_message_seconds
        ):
            return
        if await ctx.level() >= Level.ADMIN:
            return
        current = (await start(ctx, config.auto_minutes, "messages", "auto")).lock
    if current.until <= now or await ctx.level() >= Level.ADMIN:
        return
    if current.mode == "slow":
        last = watch.last_post.get((community, ctx.person))
        if last is None or now - last >= current.slow_seconds:
            watch.last_post[(community, ctx.person)] = now
            return
    else:
        await _hold(ctx, current, newcomer=False)
    event = ctx.event
    if isinstance(event, MessageEvent) and event.message_id:
        try:
            await ctx.app.adapter(ctx.scene.platform).delete(ctx.scene, event.message_id)
        except Exception as exc:
            log.info("lockdown could not delete a message in %s: %r", ctx.scene.key, exc)
    ctx.stop()
