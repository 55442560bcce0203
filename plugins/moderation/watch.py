"""The filters at work: every group message is checked before other plugins see it.

Runs at priority 10, before commands and the other plugins' handlers; a violating message
is deleted, its rule's action carried out, and the event stopped so that no other plugin
rewards or answers it. Admins are exempt. Joins start a newcomer's stricter period and turn
away members on the community's shared blacklist.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from shequn import Context, MemberJoined, MessageEvent

from .actions import AUTO, carry_out, now
from .chain import run_chain
from .config import ModerationConfig, Rule
from .declaration import plugin
from .filters import Violation, content_violation
from .members import is_admin
from .store import is_blacklisted
from .tracker import Tracker

PRIORITY = 10
SILENT = ("none", "delete")
"""Actions that announce nothing themselves (a warning, mute or removal names its reason)."""

_trackers: WeakKeyDictionary[object, Tracker] = WeakKeyDictionary()


def tracker_of(ctx: Context) -> Tracker:
    """One tracker per running app (tests run several apps in one process)."""
    found = _trackers.get(ctx.app)
    if found is None:
        found = _trackers[ctx.app] = Tracker()
    return found


def _violation(ctx: Context, event: MessageEvent, config: ModerationConfig) -> Violation | None:
    tracker = tracker_of(ctx)
    newcomer = tracker.is_newcomer(ctx.group_key, ctx.person)
    command = ctx.command is not None
    own = ctx.app.own_links.is_own
    found = content_violation(event.message, config, newcomer=newcomer, own=own, command=command)
    if command:
        return found  # using the bot is never flooding or repeating
    burst = tracker.observe(ctx.group_key, ctx.person, event.text, now(ctx), config)
    if found is None and burst is not None:
        found = Violation(burst, "")
    return found


@plugin.on(MessageEvent, priority=PRIORITY)
async def check_message(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, MessageEvent) or event.scene.is_private or event.user.is_bot:
        return
    config = ctx.config(ModerationConfig)
    found = _violation(ctx, event, config)
    if found is None:
        return
    assert ctx.scene is not None
    if await is_admin(ctx, ctx.scene, ctx.user):
        return
    await enforce(ctx, event, found, config)
    ctx.stop()


async def enforce(
    ctx: Context, event: MessageEvent, found: Violation, config: ModerationConfig
) -> None:
    """Delete the message, carry out the rule's action once, and maybe start the chain."""
    rule: Rule = found.rule
    reason = ctx.t(f"rule.{rule}")
    if found.detail:
        reason += f" ({found.detail})"
    key = f"mod:{event.dedup_key}"
    deleted = bool(event.message_id) and await ctx.delete(event.message_id)
    action = config.action_for(rule)
    done = await carry_out(ctx, ctx.user, action, reason, key, AUTO)
    if deleted and action in SILENT:
        await tell_why(ctx, rule, reason, config)
    if done and action in ("kick", "ban") and rule in config.chain_rules:
        await run_chain(ctx, ctx.person, ctx.user.display_name, key)


async def tell_why(ctx: Context, rule: Rule, reason: str, config: ModerationConfig) -> None:
    """Say why a message was removed, once per member and rule within ``notice_minutes``."""
    window = config.notice_minutes * 60.0
    if tracker_of(ctx).first_notice(ctx.group_key, ctx.person, rule, now(ctx), window):
        await ctx.reply(ctx.t("done.delete", name=ctx.user.display_name, reason=reason))


@plugin.on(MemberJoined, priority=PRIORITY)
async def newcomer(ctx: Context) -> None:
    event = ctx.event
    if event.scene.is_private or event.user.is_bot:
        return
    config = ctx.config(ModerationConfig)
    community, person = ctx.community, ctx.person
    if await ctx.app.db.read(lambda conn: is_blacklisted(conn, community, person)):
        await ctx.reply(ctx.t("blacklist.turned_away", name=ctx.user.display_name))
        await ctx.ban(ctx.user)
        ctx.stop()
    tracker_of(ctx).joined(ctx.group_key, ctx.person, config.newcomer_messages)
