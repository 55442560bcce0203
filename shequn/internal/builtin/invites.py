"""The core's own record of joins and leaves, feeding the invite tree (``app.invites``).

It runs first (priority 0) and in every group, whatever plugins are switched on there, so
moderation's kick-chain rule and referral rewards read the same tree.
"""

from __future__ import annotations

import logging

from shequn.internal.builtin.declaration import core_plugin
from shequn.internal.context import Context
from shequn.internal.event import MemberJoined, MemberLeft

log = logging.getLogger("shequn.invites")

RECORD_PRIORITY = 0


@core_plugin.on(MemberJoined, priority=RECORD_PRIORITY)
async def record_join(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, MemberJoined) or event.user.is_bot or event.scene.is_private:
        return
    inviter = ctx.person_of(event.inviter) if event.inviter is not None else None
    outcome = await ctx.app.invites.record_join(
        ctx.community,
        ctx.person,
        inviter,
        event.invited_via or "",
        ctx.group_key,
        event.dedup_key,
    )
    log.debug("join of %s in %s: %s", ctx.person, ctx.community, outcome)


@core_plugin.on(MemberLeft, priority=RECORD_PRIORITY)
async def record_leave(ctx: Context) -> None:
    event = ctx.event
    if event.user.is_bot or event.scene.is_private:
        return
    await ctx.app.invites.record_leave(ctx.community, ctx.person)
