"""Verification on join: a challenge with a deadline, the newcomer kept quiet meanwhile.

The state lives in ``welcome_newcomer`` and moves ``pending -> passed | failed`` by
conditional updates, so the right answer, the deadline, a departure and an admin lifting
the mute can race and exactly one wins: the winner unmutes and welcomes, or removes (mutes,
warns) according to ``on_timeout``. The deadline is a persisted job keyed by the join,
cancelled when the newcomer passes or leaves; it re-reads the state before it acts.

How a newcomer is kept quiet depends on what the platform allows, so that the answer always
stays possible: muted only where a native button answers the challenge (a restricted member
can still press it on Telegram and Discord); elsewhere their other messages are held
(deleted) where the bot can delete, or simply taken as answers. Numbers the newcomer sends
belong to their own prompt alone, never to another member's buttons.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from shequn import (
    Button,
    ButtonPressed,
    Buttons,
    Context,
    JobContext,
    MemberJoined,
    MemberMuted,
    Mention,
    Message,
    MessageEvent,
    User,
)

from . import captcha
from .config import WelcomeConfig
from .declaration import plugin
from .greeting import delete_quietly, greet
from .names import safe_name
from .state import verifying
from .store import (
    FAILED,
    PASSED,
    Attempt,
    Pending,
    answer,
    finish,
    first_time,
    pending_of,
    set_prompt,
    start_verification,
)

log = logging.getLogger("shequn.welcome")

VERIFY = "welcome:verify:"
TIMEOUT_JOB = "timeout"
MUTE_SLACK = timedelta(minutes=1)
"""A verification mute outlasts the deadline by this much, then lifts by itself."""
KEEP_MUTED = timedelta(days=29)
"""``on_timeout = mute``: how long a newcomer who never verified stays muted (QQ allows 30
days at most)."""

MUTE, HOLD, OPEN = "mute", "hold", "open"
"""How a newcomer is kept quiet while verifying: muted, their messages deleted, or not."""


def timeout_key(group_key: str, account: str, join_id: str) -> str:
    return f"welcome:timeout:{group_key}:{account}:{join_id}"


def _user(ctx: JobContext, user_id: str, name: str) -> User:
    assert ctx.scene is not None
    return User(platform=ctx.scene.platform, id=user_id, name=name)


def _inviter(pending: Pending) -> User | None:
    if not pending.inviter:
        return None
    platform, _, user_id = pending.inviter.partition(":")
    return User(platform=platform, id=user_id, name=pending.inviter_name)


async def _can(ctx: JobContext, action: str) -> bool:
    assert ctx.scene is not None
    return bool(getattr(ctx.app.adapter(ctx.scene.platform).capabilities, action))


def restraint(ctx: JobContext, kind: str) -> str:
    """How to keep a newcomer answering a ``kind`` challenge quiet without blocking the
    answer: a mute blocks typing, so only a challenge a native button answers mutes."""
    assert ctx.scene is not None
    if not ctx.config(WelcomeConfig).mute_while_verifying:
        return OPEN
    caps = ctx.app.adapter(ctx.scene.platform).capabilities
    if caps.mute and caps.buttons and kind != "arithmetic":
        return MUTE
    return HOLD if caps.delete else OPEN


def _claim(ctx: JobContext, user_id: str, seconds: float) -> None:
    """Keep the newcomer's numbers for their own challenge: a ``1`` is their answer, not a
    press of someone else's numbered buttons (the rules an earlier newcomer was asked)."""
    assert ctx.scene is not None
    now = ctx.app.clock.now().timestamp()
    ctx.app.choices.offer(ctx.scene.key, [], now, only=user_id, ttl=seconds)


def release(ctx: JobContext, user_id: str) -> None:
    """The newcomer's numbers are ordinary again (verification is over)."""
    if ctx.scene is not None:
        ctx.app.choices.release(ctx.scene.key, user_id)


async def _mute(ctx: JobContext, user: User, duration: timedelta) -> bool:
    """Mute (0: unmute) where the platform can; a refusal is logged, never fatal."""
    if not await _can(ctx, "mute"):
        return False
    try:
        return await ctx.mute(user, duration)
    except Exception:
        log.warning("could not (un)mute %s in %s", user.key, ctx.group_key, exc_info=True)
        return False


@plugin.on(MemberJoined)
async def on_join(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MemberJoined)
    user = event.user
    if user.is_bot or ctx.scene is None or ctx.scene.is_private:
        return
    cfg = ctx.config(WelcomeConfig)
    now = ctx.app.clock.now().timestamp()
    handled = f"join:{ctx.scene.key}:{user.id}:{event.id}"
    if cfg.verify == "off":
        if await ctx.app.db.write(lambda conn: first_time(conn, handled, now)):
            await greet(ctx, user, event.inviter)
        return
    challenge = captcha.make(cfg.verify)
    row: dict[str, Any] = {
        "group_key": ctx.group_key,
        "account": user.key,
        "join_id": event.id,
        "name": user.name[:200],
        "kind": challenge.kind,
        "answer": challenge.answer,
        "deadline": now + cfg.verify_seconds,
        "inviter": event.inviter.key if event.inviter else "",
        "inviter_name": event.inviter.name[:200] if event.inviter else "",
        "created_at": now,
    }
    started = await ctx.app.db.write(
        lambda conn: first_time(conn, handled, now) and start_verification(conn, row)
    )
    if not started:
        return
    verifying(ctx.app).add((ctx.group_key, user.key))
    # The deadline first: whatever happens next, the verification ends.
    deadline = datetime.fromtimestamp(row["deadline"], ctx.timezone)
    payload = {"account": user.id, "name": user.name[:200], "join_id": event.id}
    await ctx.schedule(
        TIMEOUT_JOB, deadline, payload, key=timeout_key(ctx.group_key, user.key, event.id)
    )
    if restraint(ctx, challenge.kind) == MUTE:
        await _mute(ctx, user, timedelta(seconds=cfg.verify_seconds) + MUTE_SLACK)
    prompt = await ctx.send(_challenge_message(ctx, cfg, user, challenge))
    _claim(ctx, user.id, cfg.verify_seconds + MUTE_SLACK.total_seconds())
    await ctx.app.db.write(lambda conn: set_prompt(conn, ctx.group_key, user.key, event.id, prompt))


def _challenge_message(
    ctx: Context, cfg: WelcomeConfig, user: User, challenge: captcha.Challenge
) -> Message:
    name = safe_name(user.name, user.id, cfg.name_length)
    minutes = max(1, round(cfg.verify_seconds / 60))
    parts: list[Any] = [Mention(user.id, name), " "]
    if challenge.kind == "arithmetic":
        parts.append(ctx.t("verify.arithmetic", question=challenge.question, minutes=minutes))
    elif challenge.kind == "emoji":
        parts.append(ctx.t("verify.emoji", emoji=ctx.t(challenge.question), minutes=minutes))
        emojis = [Button(e, VERIFY + e) for e, _ in captcha.EMOJIS]
        parts.append(Buttons.of(emojis, only=user.id))
    else:
        parts.append(ctx.t("verify.button", minutes=minutes))
        label = ctx.t("verify.button_label")
        parts.append(Buttons.of([Button(label, VERIFY + captcha.BUTTON_ANSWER)], only=user.id))
    return Message(parts)


@plugin.on(ButtonPressed)
async def on_press(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, ButtonPressed)
    if not event.data.startswith(VERIFY):
        return
    if await attempt(ctx, event.data.removeprefix(VERIFY)) is None:
        await ctx.reply(ctx.t("verify.not_yours", name=event.user.display_name))


@plugin.on(MessageEvent, priority=10)
async def on_message(ctx: Context) -> None:
    """A verifying newcomer's message is their answer; nothing else sees it, and where
    they are not muted it is held (deleted) so the group never reads it."""
    if (ctx.group_key, ctx.user.key) not in verifying(ctx.app):
        return
    event = ctx.event
    assert isinstance(event, MessageEvent)
    result = await attempt(ctx, ctx.text)
    if result is None:
        return
    if restraint(ctx, result.verification.kind) == HOLD:
        await delete_quietly(ctx, event.message_id)
    ctx.stop()


async def attempt(ctx: Context, given: str) -> Attempt | None:
    """Check one answer of the acting member; None when they are not verifying here."""
    cfg = ctx.config(WelcomeConfig)
    now = ctx.app.clock.now().timestamp()
    group_key, account = ctx.group_key, ctx.user.key

    def is_right(pending: Pending) -> bool:
        return captcha.correct(pending.kind, pending.answer, given)

    result: Attempt | None = await ctx.app.db.write(
        lambda conn: answer(conn, group_key, account, is_right, cfg.verify_attempts, now)
    )
    if result is None:
        verifying(ctx.app).discard((group_key, account))
        return None
    name = safe_name(ctx.user.name, ctx.user.id, cfg.name_length)
    if result.outcome == "late":
        await ctx.reply(ctx.t("verify.late", name=name))
    elif result.outcome == "wrong":
        await ctx.reply(ctx.t("verify.wrong", name=name, left=result.left))
    elif result.outcome == PASSED:
        await passed(ctx, result.verification)
    else:
        await ctx.app.scheduler.cancel(timeout_key(group_key, account, result.verification.join_id))
        await failed(ctx, result.verification)
    return result


async def passed(ctx: JobContext, pending: Pending) -> None:
    verifying(ctx.app).discard((pending.group_key, pending.account))
    await ctx.app.scheduler.cancel(timeout_key(pending.group_key, pending.account, pending.join_id))
    user = _user(ctx, pending.account.partition(":")[2], pending.name)
    release(ctx, user.id)
    if restraint(ctx, pending.kind) == MUTE:
        await _mute(ctx, user, timedelta(0))
    await delete_quietly(ctx, pending.prompt_id)
    await greet(ctx, user, _inviter(pending))


async def failed(ctx: JobContext, pending: Pending) -> None:
    """Apply ``on_timeout`` to a newcomer who did not pass (the caller won the transition)."""
    verifying(ctx.app).discard((pending.group_key, pending.account))
    cfg = ctx.config(WelcomeConfig)
    user = _user(ctx, pending.account.partition(":")[2], pending.name)
    name = safe_name(pending.name, user.id, cfg.name_length)
    release(ctx, user.id)
    await delete_quietly(ctx, pending.prompt_id)
    if cfg.on_timeout == "remove":
        if await _can(ctx, "kick"):
            try:
                removed = await ctx.kick(user)
            except Exception:
                log.warning("could not remove %s from %s", user.key, ctx.group_key, exc_info=True)
                removed = False
            if removed:
                await ctx.send(ctx.t("verify.removed", name=name))
                return
        await ctx.send(ctx.t("verify.warned", name=name))
    elif cfg.on_timeout == "mute" and await _mute(ctx, user, KEEP_MUTED):
        await ctx.send(ctx.t("verify.kept_muted", name=name))
    else:
        if restraint(ctx, pending.kind) == MUTE:
            await _mute(ctx, user, timedelta(0))
        await ctx.send(ctx.t("verify.warned", name=name))


@plugin.on(MemberMuted)
async def on_unmute(ctx: Context) -> None:
    """An admin lifting a verifying newcomer's mute vouches for them: they pass, and the
    deadline that would remove them is cancelled."""
    event = ctx.event
    assert isinstance(event, MemberMuted)
    operator = event.operator
    if event.seconds > 0 or operator is None or operator.id == event.self_id:
        return
    if ctx.scene is None or (ctx.group_key, event.user.key) not in verifying(ctx.app):
        return
    group_key, account = ctx.group_key, event.user.key
    pending = await ctx.app.db.read(lambda conn: pending_of(conn, group_key, account))
    if pending is None:
        return
    join_id = pending.join_id
    if await ctx.app.db.write(lambda conn: finish(conn, group_key, account, join_id, PASSED)):
        await passed(ctx, pending)


@plugin.job(TIMEOUT_JOB)
async def timeout(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The deadline: acts, and speaks, only if this very join is still pending now (not
    left, removed, let in by an admin or answered meanwhile)."""
    if ctx.scene is None:
        return
    account = f"{ctx.scene.platform}:{payload['account']}"
    join_id = str(payload["join_id"])
    group_key = ctx.group_key
    pending = await ctx.app.db.read(lambda conn: pending_of(conn, group_key, account))
    if pending is None or pending.join_id != join_id:
        return
    if await ctx.app.db.write(lambda conn: finish(conn, group_key, account, join_id, FAILED)):
        await failed(ctx, pending)
