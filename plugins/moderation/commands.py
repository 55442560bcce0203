"""Admin commands: ``/warn /unwarn /warns /mute /unmute /kick /ban /unban /modlog``.

Each is audited with who, whom, why and when, and keyed by its event, so a redelivered or
double-sent command acts once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shequn import Context, Level, NotSupported, User

from .actions import carry_out, claim, now, where
from .config import ModerationConfig
from .declaration import plugin
from .members import accounts_on, community_groups, is_admin
from .store import list_warnings, recent_audit, revoke_warning, unblacklist

MAX_REASON = 200


def _reason(ctx: Context, reason: str) -> str:
    return " ".join(reason.split())[:MAX_REASON] or ctx.t("reason.none")


def _key(ctx: Context) -> str:
    return f"cmd:{ctx.event.dedup_key}"


async def _refuse_admin(ctx: Context, member: User) -> bool:
    """Admins are not moderated by commands either (ask the owner / platform instead)."""
    assert ctx.scene is not None
    if await is_admin(ctx, ctx.scene, member):
        await ctx.reply(ctx.t("command.target_admin", name=member.display_name))
        return True
    return False


def _since(ctx: Context) -> float:
    days = ctx.config(ModerationConfig).warn_expire_days
    return now(ctx) - days * 86_400 if days else 0.0


@plugin.command("warn", aliases=["警告"], permission=Level.ADMIN, group_only=True)
async def warn_command(ctx: Context, member: User, *, reason: str = "") -> None:
    if await _refuse_admin(ctx, member):
        return
    await carry_out(ctx, member, "warn", _reason(ctx, reason), _key(ctx), ctx.person)


@plugin.command("unwarn", aliases=["撤销警告"], permission=Level.ADMIN, group_only=True)
async def unwarn_command(ctx: Context, member: User) -> None:
    person, here, since, stamp = ctx.person_of(member), where(ctx), _since(ctx), now(ctx)
    left = await ctx.app.db.write(
        lambda conn: revoke_warning(conn, here, person, since, stamp), "moderation"
    )
    if left < 0:
        await ctx.reply(ctx.t("unwarn.none", name=member.display_name))
        return
    await claim(ctx, _key(ctx), person, "unwarn", ctx.t("reason.none"), ctx.person)
    await ctx.reply(ctx.t("unwarn.done", name=member.display_name, count=left))


@plugin.command("warns", aliases=["警告记录"], group_only=True)
async def warns_command(ctx: Context, member: User | None = None) -> None:
    target = member or ctx.user
    other = member is not None and ctx.person_of(member) != ctx.person
    if other and await ctx.level() < Level.ADMIN:
        await ctx.reply(ctx.t("warns.only_own"))
        return
    person, here, since = ctx.person_of(target), where(ctx), _since(ctx)
    rows = await ctx.app.db.read(lambda conn: list_warnings(conn, here, person, since))
    if not rows:
        await ctx.reply(ctx.t("warns.none", name=target.display_name))
        return
    lines = [ctx.t("warns.header", name=target.display_name, count=len(rows))]
    for row in rows:
        when = _when(ctx, row.created_at)
        lines.append(ctx.t("warns.line", when=when, reason=row.reason))
    await ctx.reply("\n".join(lines))


@plugin.command("mute", aliases=["禁言"], permission=Level.ADMIN, group_only=True)
async def mute_command(ctx: Context, member: User, minutes: int = 0, *, reason: str = "") -> None:
    if minutes < 0 or minutes > 43_200:
        await ctx.reply(ctx.t("mute.bad_minutes"))
        return
    if await _refuse_admin(ctx, member):
        return
    await carry_out(
        ctx, member, "mute", _reason(ctx, reason), _key(ctx), ctx.person, minutes=minutes or None
    )


@plugin.command("unmute", aliases=["解除禁言", "解禁"], permission=Level.ADMIN, group_only=True)
async def unmute_command(ctx: Context, member: User) -> None:
    if not await claim(ctx, _key(ctx), ctx.person_of(member), "unmute", "", ctx.person):
        return
    if await ctx.mute(member, timedelta(0)):
        await ctx.reply(ctx.t("done.unmute", name=member.display_name))


@plugin.command("kick", aliases=["踢出", "踢"], permission=Level.ADMIN, group_only=True)
async def kick_command(ctx: Context, member: User, *, reason: str = "") -> None:
    if await _refuse_admin(ctx, member):
        return
    await carry_out(ctx, member, "kick", _reason(ctx, reason), _key(ctx), ctx.person)


@plugin.command("ban", aliases=["封禁", "拉黑"], permission=Level.ADMIN, group_only=True)
async def ban_command(ctx: Context, member: User, *, reason: str = "") -> None:
    if await _refuse_admin(ctx, member):
        return
    await carry_out(ctx, member, "ban", _reason(ctx, reason), _key(ctx), ctx.person)


@plugin.command("unban", aliases=["解封"], permission=Level.ADMIN, group_only=True)
async def unban_command(ctx: Context, member: User) -> None:
    person, community = ctx.person_of(member), ctx.community
    if not await claim(ctx, _key(ctx), person, "unban", "", ctx.person):
        return
    listed = await ctx.app.db.write(lambda conn: unblacklist(conn, community, person))
    lifted = await unban_everywhere(ctx, person)
    key = "unban.done" if listed or lifted else "unban.not_banned"
    await ctx.reply(ctx.t(key, name=member.display_name))


async def unban_everywhere(ctx: Context, person: str) -> bool:
    """Lift platform bans in every group of the community; False where none could be."""
    lifted = False
    for scene in community_groups(ctx):
        adapter = ctx.app.adapters[scene.platform]
        for account in accounts_on(ctx, person, scene.platform):
            try:
                await adapter.unban(scene, account)
                lifted = True
            except NotSupported:
                continue
    return lifted


@plugin.command("modlog", aliases=["管理日志", "审计日志"], permission=Level.ADMIN, group_only=True)
async def modlog_command(ctx: Context, member: User | None = None) -> None:
    size = ctx.config(ModerationConfig).log_size
    community = ctx.community
    target = ctx.person_of(member) if member is not None else None
    rows = await ctx.app.db.read(lambda conn: recent_audit(conn, community, size, target))
    if not rows:
        await ctx.reply(ctx.t("modlog.empty"))
        return
    names = await ctx.app.identity.display_names(
        sorted({r.target for r in rows} | {r.actor for r in rows if r.actor != "auto"})
    )
    lines = [ctx.t("modlog.header", count=len(rows))]
    for row in rows:
        actor = ctx.t("modlog.auto") if row.actor == "auto" else names[row.actor]
        lines.append(
            ctx.t(
                "modlog.line",
                when=_when(ctx, row.created_at),
                actor=actor,
                action=ctx.t(f"modlog.action.{row.action}"),
                target=names[row.target],
                reason=ctx.reason(row.reason, "moderation") if row.reason else "-",
            )
        )
    await ctx.reply("\n".join(lines))


def _when(ctx: Context, stamp: float) -> str:
    return datetime.fromtimestamp(stamp, ctx.timezone).strftime("%Y-%m-%d %H:%M")
