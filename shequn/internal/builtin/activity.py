"""The core's record of message metadata, joins and leaves for ``app.analytics``.

Like the invite record, it runs first and in every group whatever plugins are on there. It
only appends to an in-memory buffer (see ``analytics/recorder.py``), so the hot path never
waits on the database.
"""

from __future__ import annotations

from shequn.internal.builtin.declaration import CoreConfig, core_plugin
from shequn.internal.context import Context
from shequn.internal.event import ButtonPressed, MemberJoined, MemberLeft, MessageEvent

RECORD_PRIORITY = 0


def _counted(ctx: Context) -> bool:
    return not (ctx.event.user.is_bot or ctx.event.scene.is_private)


@core_plugin.on(MessageEvent, priority=RECORD_PRIORITY)
async def record_message(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, MessageEvent) or not _counted(ctx):
        return
    config = ctx.app.group_settings.config(core_plugin, ctx.group_key)
    keep = isinstance(config, CoreConfig) and config.analytics_text
    ctx.app.analytics.note_message(event, ctx.person, keep_text=keep, command=ctx.command)


@core_plugin.on(ButtonPressed, priority=RECORD_PRIORITY)
async def record_button(ctx: Context) -> None:
    event = ctx.event
    if isinstance(event, ButtonPressed) and _counted(ctx):
        ctx.app.analytics.note_button(event, ctx.person)


@core_plugin.on(MemberJoined, priority=RECORD_PRIORITY)
async def record_join(ctx: Context) -> None:
    if _counted(ctx):
        ctx.app.analytics.note_membership(ctx.event, ctx.person, "join")


@core_plugin.on(MemberLeft, priority=RECORD_PRIORITY)
async def record_leave(ctx: Context) -> None:
    if _counted(ctx):
        ctx.app.analytics.note_membership(ctx.event, ctx.person, "leave")
