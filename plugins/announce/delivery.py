"""Jobs that send: ``fire`` (an announcement falls due: fan out, book the next one) and
``deliver`` (one group gets it, once, pinned where possible).

A community broadcast becomes one ``deliver`` job per group, spaced by
``broadcast_spacing`` seconds, so a hundred groups never hit a platform's limit at once and
each group's delivery is persisted on its own.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from shequn import JobContext, Message, NotSupported, Scene

from .config import AnnounceConfig
from .cron import CronError, parse
from .declaration import plugin
from .store import (
    Stored,
    claim_delivery,
    dump_scene,
    finish,
    get,
    load_scene,
    move_on,
    settle_delivery,
)

log = logging.getLogger("shequn.plugins.announce")


def fire_key(schedule_id: int, due: float) -> str:
    return f"announce:fire:{schedule_id}:{due:.0f}"


async def book(ctx: JobContext, schedule_id: int, due: datetime) -> None:
    """Persist the ``fire`` job of ``schedule_id`` at ``due`` (once per occurrence)."""
    stamp = due.timestamp()
    await ctx.app.scheduler.schedule(
        plugin.name,
        "fire",
        due,
        {"schedule": schedule_id, "due": stamp},
        key=fire_key(schedule_id, stamp),
    )


async def _targets(ctx: JobContext, item: Stored) -> list[Scene]:
    if item.scope == "group":
        return [item.scene]
    groups = {g.group_key: g.scene for g in await ctx.app.groups.known(item.community)}
    if ctx.app.identity.community_of(item.group_key) == item.community:
        groups.setdefault(item.group_key, item.scene)
    return [scene for _, scene in sorted(groups.items())]


@plugin.job("fire")
async def fire(ctx: JobContext, payload: dict[str, Any]) -> None:
    schedule_id, due = int(payload["schedule"]), float(payload["due"])
    item = await ctx.app.db.read(lambda conn: get(conn, schedule_id))
    if item is None or item.status != "active":
        return
    if item.cron:
        await _book_next(ctx, item, due)
    elif not await ctx.app.db.write(lambda conn: finish(conn, schedule_id, "done"), "announce"):
        return
    spacing = ctx.app.group_settings.config(plugin, item.group_key)
    gap = spacing.broadcast_spacing if isinstance(spacing, AnnounceConfig) else 0
    start = max(due, ctx.app.clock.now().timestamp())
    for index, scene in enumerate(await _targets(ctx, item)):
        at = datetime.fromtimestamp(start + index * gap, UTC)
        key = f"announce:{schedule_id}:{due:.0f}:{scene.group_key}"
        await ctx.app.scheduler.schedule(
            plugin.name,
            "deliver",
            at,
            {"key": key, "schedule": schedule_id, "scene": dump_scene(scene)},
            key=f"announce:deliver:{key}",
        )


async def _book_next(ctx: JobContext, item: Stored, due: float) -> None:
    """Book the occurrence after this one (after now, when the bot was down a while)."""
    try:
        cron = parse(item.cron)
    except CronError:
        log.error("announcement %d has a bad cron %r; stopping it", item.id, item.cron)
        await ctx.app.db.write(lambda conn: finish(conn, item.id, "cancelled"), "announce")
        return
    after = datetime.fromtimestamp(max(due, ctx.app.clock.now().timestamp()), UTC)
    following = cron.next_after(after, ctx.app.group_timezone(item.group_key))
    if following is None:
        await ctx.app.db.write(lambda conn: finish(conn, item.id, "done"), "announce")
        return
    await book(ctx, item.id, following)
    stamp = following.timestamp()
    await ctx.app.db.write(lambda conn: move_on(conn, item.id, stamp), "announce")


@plugin.job("deliver")
async def deliver(ctx: JobContext, payload: dict[str, Any]) -> None:
    schedule_id = int(payload["schedule"])
    item = await ctx.app.db.read(lambda conn: get(conn, schedule_id))
    if item is None or item.status == "cancelled":
        return
    scene = load_scene(str(payload["scene"]))
    await send_once(
        ctx,
        scene,
        Message.coerce(item.text),
        {"key": str(payload["key"]), "kind": "schedule", "schedule_id": schedule_id},
    )


async def send_once(ctx: JobContext, scene: Scene, message: Message, row: dict[str, Any]) -> bool:
    """Send ``message`` to ``scene`` unless ``row["key"]`` was sent before; record the result.

    At most once: the key is claimed before sending, so a crash mid-send loses that one
    message rather than repeating it (an announcement twice is worse than once late)."""
    now = ctx.app.clock.now().timestamp()
    values = {**row, "group_key": scene.group_key, "created_at": now}
    if not await ctx.app.db.write(lambda conn: claim_delivery(conn, values), "announce"):
        return False
    key = str(row["key"])
    try:
        message_id = await ctx.app.send(scene, message)
    except Exception as exc:
        log.warning("announcement %s to %s failed: %r", key, scene.key, exc)
        error = repr(exc)
        await ctx.app.db.write(
            lambda conn: settle_delivery(conn, key, "failed", "", False, error), "announce"
        )
        return False
    pinned = await _pin(ctx, scene, message_id)
    await ctx.app.db.write(
        lambda conn: settle_delivery(conn, key, "sent", message_id, pinned, ""), "announce"
    )
    return True


async def _pin(ctx: JobContext, scene: Scene, message_id: str) -> bool:
    config = ctx.app.group_settings.config(plugin, scene.group_key)
    if not isinstance(config, AnnounceConfig) or not config.pin:
        return False
    try:
        await ctx.app.adapter(scene.platform).pin(scene, message_id)
    except NotSupported:
        return False
    except Exception:
        log.warning("could not pin %s in %s", message_id, scene.key, exc_info=True)
        return False
    return True
