"""Starting and lifting a lockdown: the state change, the notices, the lift job and the
unmuting of held members. The lift job is keyed by the lockdown's epoch and end, and the
lift itself is a conditional update, so it happens exactly once even across restarts."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from shequn import App, Context, JobContext, NotSupported, Scene, User

from .config import LockdownConfig
from .declaration import plugin
from .state import watch_of
from .store import Lock, Locked, all_locked, held, lift, lock

log = logging.getLogger("shequn.plugins.lockdown")


async def start(ctx: Context, minutes: int, reason: str, actor: str) -> Locked:
    config = ctx.config(LockdownConfig)
    community = ctx.community
    now = ctx.app.clock.now().timestamp()
    watch = watch_of(ctx.app)
    scenes = await groups_of(ctx, community, ())
    values = {
        "community": community,
        "mode": config.mode,
        "slow_seconds": config.slow_seconds,
        "reason": reason,
        "actor": actor,
        "started_at": now,
        "until": now + minutes * 60,
    }
    result = await ctx.app.db.write(lambda conn: lock(conn, values, scenes), "lockdown")
    current = result.lock
    watch.locks[community] = current
    await ctx.app.scheduler.schedule(
        plugin.name,
        "lift",
        datetime.fromtimestamp(current.until, UTC),
        {"community": community, "epoch": current.epoch},
        key=f"lockdown:lift:{community}:{current.epoch}:{current.until:.0f}",
    )
    if result.started:
        await ctx.app.audit.record(
            ctx.group_key, actor, "lockdown", reason=reason, plugin=plugin.name,
            key=f"lockdown:start:{community}:{current.epoch}",
        )  # fmt: skip
        suffix = "" if reason == "manual" else "_auto"
        await announce(ctx, current, f"notice.locked_{current.mode}{suffix}")
    return result


async def groups_of(ctx: JobContext, community: str, told: tuple[Scene, ...]) -> list[Scene]:
    """The groups of ``community`` the bot has seen (the core registry), and those ``told``
    before: a group may have left the registry's view of the community since, or been
    recorded only in a lockdown started before the registry existed."""
    scenes = {scene.group_key: scene for scene in told}
    scenes.update({g.group_key: g.scene for g in await ctx.app.groups.known(community)})
    if ctx.scene is not None and not ctx.scene.is_private:
        scenes.setdefault(ctx.scene.group_key, ctx.scene)
    return [scenes[key] for key in sorted(scenes)]


async def announce(ctx: JobContext, current: Lock, key: str) -> None:
    """Tell every group of the community (that the bot has seen) in its own language."""
    for scene in await groups_of(ctx, current.community, current.scenes):
        tell = JobContext(ctx.app, plugin, scene)
        until = datetime.fromtimestamp(current.until, UTC).astimezone(tell.timezone)
        text = tell.t(key, until=until.strftime("%H:%M"), seconds=current.slow_seconds)
        try:
            await tell.send(text)
        except Exception:
            log.warning("could not tell %s about the lockdown", scene.key, exc_info=True)


async def end(ctx: JobContext, community: str, epoch: int | None, due_by: float | None) -> bool:
    """Lift the lockdown (once), unmute whom it held and say so."""
    lifted = await ctx.app.db.write(lambda conn: lift(conn, community, epoch, due_by), "lockdown")
    if lifted is None:
        return False
    watch = watch_of(ctx.app)
    watch.locks.pop(community, None)
    for who in [k for k in watch.last_post if k[0] == community]:
        del watch.last_post[who]
    members = await ctx.app.db.read(lambda conn: held(conn, community, lifted.epoch))
    for user_key, scene in members:
        platform, _, user_id = user_key.partition(":")
        try:
            await ctx.app.adapter(scene.platform).mute(
                scene, User(platform=platform, id=user_id), 0
            )
        except NotSupported:
            pass
        except Exception:
            log.warning("could not unmute %s in %s", user_key, scene.key, exc_info=True)
    await announce(ctx, lifted, "notice.lifted")
    return True


@plugin.job("lift")
async def lift_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    now = ctx.app.clock.now().timestamp()
    await end(ctx, str(payload["community"]), int(payload["epoch"]), now)


@plugin.on_startup
async def load_locks(app: App) -> None:
    """Know the running lockdowns at once after a restart."""
    watch = watch_of(app)
    for current in await app.db.read(all_locked):
        watch.locks[current.community] = current
