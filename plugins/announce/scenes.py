"""Remember each group's scene, so a community broadcast reaches groups without an event.

A group is written once per process (then kept in memory): cheap on the message path."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from shequn import App, Context, MemberJoined, MessageEvent

from .declaration import plugin
from .store import remember_group

_seen: WeakKeyDictionary[App, set[str]] = WeakKeyDictionary()
"""Per running app, the group keys already stored by this process."""


async def remember(ctx: Context) -> None:
    scene = ctx.event.scene
    if scene.is_private:
        return
    seen = _seen.setdefault(ctx.app, set())
    if scene.group_key in seen:
        return
    now = ctx.app.clock.now().timestamp()
    await ctx.app.db.write(lambda conn: remember_group(conn, scene, now), "announce")
    seen.add(scene.group_key)


@plugin.on(MessageEvent, priority=210)
async def on_message(ctx: Context) -> None:
    await remember(ctx)


@plugin.on(MemberJoined, priority=210)
async def on_join(ctx: Context) -> None:
    await remember(ctx)
