"""Joins and leaves of invited members, and the persisted job that pays the inviter.

The core records every join into the invite tree first (priority 0); here a first-time,
invited member opens a pending reward (once: a keyed row), and a check is scheduled for the
day the stay condition can hold (keyed job). The check pays, waits another day, expires or
voids; a leave voids a pending reward or takes a recent one back.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from shequn import Context, JobContext, MemberJoined, MemberLeft

from .config import ReferralConfig
from .declaration import plugin
from .store import check_reward, find_code, open_reward, settle_leave

log = logging.getLogger("shequn.referral")

PRIORITY = 50
"""After the core's recorder (0) and moderation (10), which may turn a newcomer away."""
LINK_PREFIX = "ref-"


async def start_reward(ctx: Context, person: str) -> str | None:
    """Open the reward of ``person`` if they are a first-time invited member; the inviter."""
    config = ctx.config(ReferralConfig)
    community, group_key = ctx.community, ctx.group_key
    now = ctx.app.clock.now().timestamp()
    inviter = await ctx.app.db.write(
        lambda conn: open_reward(conn, community, person, group_key, config.welcome_points, now),
        "referral",
    )
    if inviter is None:
        return None
    node = await ctx.app.invites.get(community, person)
    joined = node.first_joined_at if node is not None else now
    await schedule_check(ctx, community, person, joined + config.min_days * 86_400, 0)
    if config.welcome_points:
        await ctx.reply(ctx.t("welcome.points", points=config.welcome_points))
    return inviter


async def schedule_check(
    ctx: JobContext, community: str, invitee: str, at: float, attempt: int
) -> None:
    await ctx.schedule(
        "check",
        datetime.fromtimestamp(at, ctx.timezone),
        {"community": community, "invitee": invitee, "attempt": attempt},
        key=f"referral:check:{community}:{invitee}:{attempt}",
    )


@plugin.on(MemberJoined, priority=PRIORITY)
async def joined(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, MemberJoined) or event.user.is_bot or event.scene.is_private:
        return
    via = event.invited_via or ""
    if event.inviter is None and via.startswith(f"invite_link:{LINK_PREFIX}"):
        await _attribute_link(ctx, via)
    await start_reward(ctx, ctx.person)


async def _attribute_link(ctx: Context, via: str) -> None:
    """A join through a member's personal link whose creator the platform did not name."""
    code = via.removeprefix(f"invite_link:{LINK_PREFIX}")
    found = await ctx.app.db.read(lambda conn: find_code(conn, code))
    if found is None or found.community != ctx.community:
        return
    since = ctx.app.clock.now().timestamp() - 3600
    await ctx.app.invites.attribute(ctx.community, ctx.person, found.person, via, since)


@plugin.on(MemberLeft, priority=PRIORITY)
async def left(ctx: Context) -> None:
    event = ctx.event
    if event.user.is_bot or event.scene.is_private:
        return
    config = ctx.config(ReferralConfig)
    community, person = ctx.community, ctx.person
    now = ctx.app.clock.now().timestamp()
    result = await ctx.app.db.write(
        lambda conn: settle_leave(conn, community, person, config.revert_days, now), "referral"
    )
    if result.verdict == "reverted":
        names = await ctx.app.identity.display_names([result.inviter, person])
        await ctx.reply(
            ctx.t(
                "reward.reverted",
                inviter=names[result.inviter],
                invitee=names[person],
                points=result.amount,
            )
        )


@plugin.job("check")
async def check(ctx: JobContext, payload: dict[str, Any]) -> None:
    community = str(payload.get("community", ""))
    invitee = str(payload.get("invitee", ""))
    attempt = int(payload.get("attempt", 0))
    if not community or not invitee:
        log.warning("referral check without community or invitee: %r", payload)
        return
    config = ctx.config(ReferralConfig)
    now = ctx.app.clock.now().timestamp()
    result = await ctx.app.db.write(
        lambda conn: check_reward(
            conn,
            community,
            invitee,
            config.reward_points,
            config.min_days,
            config.min_signins,
            config.check_days,
            now,
        ),
        "referral",
    )
    if result.verdict == "wait":
        await schedule_check(ctx, community, invitee, now + 86_400, attempt + 1)
    elif result.verdict == "paid" and ctx.scene is not None:
        names = await ctx.app.identity.display_names([result.inviter, invitee])
        await ctx.send(
            ctx.t(
                "reward.paid",
                inviter=names[result.inviter],
                invitee=names[invitee],
                points=result.amount,
            )
        )
