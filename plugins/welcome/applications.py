"""Join applications: decided by the group's rules, or queued for ``/approve``/``/reject``.

An application is decided once (``pending -> approved | rejected`` conditionally); the
platform is told only by the caller that decided it, and if the platform refuses, the
application goes back to the queue instead of being lost.
"""

from __future__ import annotations

import logging
from typing import Any

from shequn import Context, JoinRequested, Level, NotSupported, User

from .config import WelcomeConfig
from .declaration import plugin
from .names import safe_name, safe_text
from .store import (
    APPROVED,
    PENDING,
    REJECTED,
    Applicant,
    decide,
    first_time,
    is_blocked,
    pending_applications,
    record_application,
    reopen,
)

log = logging.getLogger("shequn.welcome")

COMMENT_LENGTH = 200
PENDING_LIST = 20


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def answered(comment: str, answer: str) -> bool:
    """The application's text contains the expected answer (case and spacing ignored)."""
    expected = _normalise(answer)
    return bool(expected) and expected in _normalise(comment)


@plugin.on(JoinRequested)
async def on_request(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, JoinRequested)
    cfg = ctx.config(WelcomeConfig)
    if cfg.applications == "off" or ctx.scene is None:
        return
    user, person, community = event.user, ctx.person, ctx.community
    blocked = await ctx.app.db.read(lambda conn: is_blocked(conn, community, person))
    why = ""
    if blocked and cfg.reject_blocked:
        status, why = REJECTED, "blocked"
    elif cfg.applications == "auto" and answered(event.comment, cfg.answer):
        status, why = APPROVED, "answer"
    elif cfg.applications == "auto" and cfg.approve_invited and event.inviter is not None:
        status, why = APPROVED, "inviter"
    else:
        status = PENDING
    now = ctx.app.clock.now().timestamp()
    row: dict[str, Any] = {
        "group_key": ctx.group_key,
        "account": user.key,
        "request_id": event.request_id or event.id,
        "name": user.name[:200],
        "comment": event.comment[:500],
        "inviter": event.inviter.key if event.inviter else "",
        "created_at": now,
        "decided_at": None if status == PENDING else now,
        "reason": why,
    }
    handled = f"request:{ctx.scene.key}:{user.id}:{event.id}"
    recorded = await ctx.app.db.write(
        lambda conn: first_time(conn, handled, now) and record_application(conn, row, status)
    )
    if not recorded:
        return
    name = safe_name(user.name, user.id, cfg.name_length)
    applicant = Applicant(
        ctx.group_key, user.key, row["request_id"], user.name, event.comment, row["inviter"], now
    )
    if status == PENDING:
        await _announce_queued(ctx, applicant, cfg)
        return
    reason = ctx.t("apply.blocked_reason") if why == "blocked" else ""
    if await _tell_platform(ctx, applicant, status == APPROVED, reason):
        await ctx.send(ctx.t(f"apply.auto_{status}.{why}", name=name, id=user.id))
    else:
        await _announce_queued(ctx, applicant, cfg)


async def _announce_queued(ctx: Context, applicant: Applicant, cfg: WelcomeConfig) -> None:
    prefix = ctx.app.settings.commands.prefixes[0]
    user_id = applicant.account.partition(":")[2]
    await ctx.send(
        ctx.t(
            "apply.queued",
            name=safe_name(applicant.name, user_id, cfg.name_length),
            id=safe_text(user_id, 64),
            comment=safe_text(applicant.comment, COMMENT_LENGTH) or ctx.t("apply.no_comment"),
            prefix=prefix,
        )
    )


async def _tell_platform(ctx: Context, applicant: Applicant, approve: bool, reason: str) -> bool:
    """Answer the application on the platform; on failure put it back in the queue."""
    assert ctx.scene is not None
    platform, _, user_id = applicant.account.partition(":")
    user = User(platform=platform, id=user_id, name=applicant.name)
    try:
        await ctx.app.adapter(ctx.scene.platform).answer_join_request(
            ctx.scene.group, user, applicant.request_id, approve, reason
        )
    except NotSupported as exc:
        problem = ctx.t(
            "action.unsupported",
            action=ctx.t("action.join_request"),
            platform=ctx.t(f"platform.{exc.platform}"),
        )
    except Exception:
        log.warning("could not answer the application of %s", applicant.account, exc_info=True)
        problem = ctx.t("apply.platform_error")
    else:
        return True
    group_key, account, request_id = applicant.group_key, applicant.account, applicant.request_id
    await ctx.app.db.write(lambda conn: reopen(conn, group_key, account, request_id))
    await ctx.send(problem)
    return False


async def _decide(ctx: Context, who: User, approve: bool, reason: str) -> None:
    cfg = ctx.config(WelcomeConfig)
    account = f"{ctx.scene.platform if ctx.scene else who.platform}:{who.id}"
    now = ctx.app.clock.now().timestamp()
    status = APPROVED if approve else REJECTED
    group_key, by = ctx.group_key, ctx.person
    decided = await ctx.app.db.write(
        lambda conn: decide(conn, group_key, account, status, reason, by, now)
    )
    name = safe_name(who.name, who.id, cfg.name_length)
    if decided is None:
        await ctx.reply(ctx.t("apply.none", name=name))
        return
    name = safe_name(decided.name, who.id, cfg.name_length)
    if await _tell_platform(ctx, decided, approve, reason):
        if approve:
            await ctx.reply(ctx.t("apply.approved", name=name))
        else:
            shown = safe_text(reason, COMMENT_LENGTH) or ctx.t("apply.no_reason")
            await ctx.reply(ctx.t("apply.rejected", name=name, reason=shown))


@plugin.command("approve", aliases=["通过", "批准"], permission=Level.ADMIN, group_only=True)
async def approve(ctx: Context, applicant: User) -> None:
    await _decide(ctx, applicant, True, "")


@plugin.command("reject", aliases=["拒绝"], permission=Level.ADMIN, group_only=True)
async def reject(ctx: Context, applicant: User, *, reason: str = "") -> None:
    await _decide(ctx, applicant, False, reason[:200])


@plugin.command("pending", aliases=["待审核", "入群申请"], permission=Level.ADMIN, group_only=True)
async def pending(ctx: Context) -> None:
    cfg = ctx.config(WelcomeConfig)
    group_key = ctx.group_key
    waiting = await ctx.app.db.read(
        lambda conn: pending_applications(conn, group_key, PENDING_LIST)
    )
    if not waiting:
        await ctx.reply(ctx.t("apply.list_empty"))
        return
    lines = [ctx.t("apply.list_header", count=len(waiting))]
    for position, applicant in enumerate(waiting, start=1):
        user_id = applicant.account.partition(":")[2]
        lines.append(
            ctx.t(
                "apply.list_line",
                position=position,
                name=safe_name(applicant.name, user_id, cfg.name_length),
                id=safe_text(user_id, 64),
                comment=safe_text(applicant.comment, COMMENT_LENGTH) or ctx.t("apply.no_comment"),
            )
        )
    prefix = ctx.app.settings.commands.prefixes[0]
    lines.append(ctx.t("apply.list_footer", prefix=prefix))
    await ctx.reply("\n".join(lines))
