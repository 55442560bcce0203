"""``/kickchain`` (remove a spammer and whom they invited), ``/restore``, ``/appeal``,
``/removals``: the reversible side of the kick-chain rule."""

from __future__ import annotations

import logging

from shequn import Context, Level, NotSupported, Scene, SceneKind, User

from .actions import carry_out, claim, now
from .chain import run_chain
from .commands import _key, _reason, _refuse_admin
from .declaration import plugin
from .members import accounts_on
from .store import appeal, open_removals, restore

log = logging.getLogger("shequn.moderation")

MAX_APPEAL = 500


@plugin.command("kickchain", aliases=["连带踢出", "连坐"], permission=Level.ADMIN, group_only=True)
async def kickchain_command(ctx: Context, member: User, *, reason: str = "") -> None:
    if await _refuse_admin(ctx, member):
        return
    key = _key(ctx)
    if await carry_out(ctx, member, "kick", _reason(ctx, reason), key, ctx.person):
        await run_chain(ctx, ctx.person_of(member), member.display_name, key)


@plugin.command("restore", aliases=["恢复", "撤销连带"], permission=Level.ADMIN, group_only=True)
async def restore_command(ctx: Context, member: User) -> None:
    person, community, stamp, actor = ctx.person_of(member), ctx.community, now(ctx), ctx.person
    moved = await ctx.app.db.write(
        lambda conn: restore(conn, community, person, actor, stamp), "moderation"
    )
    if not moved:
        await ctx.reply(ctx.t("restore.none", name=member.display_name))
        return
    for removal in moved:
        await claim(ctx, f"restore:{removal.key}", person, "restore", "", actor)
        await _unban(ctx, removal.group_key, person)
    await ctx.reply(ctx.t("restore.done", name=member.display_name))


async def _unban(ctx: Context, group_key: str, person: str) -> None:
    """Let the member back where the platform keeps a ban (a kick needs nothing more)."""
    platform, _, ident = group_key.partition(":")
    adapter = ctx.app.adapters.get(platform)
    if adapter is None:
        return
    scene = Scene(platform=platform, kind=SceneKind.GROUP, id=ident)
    for account in accounts_on(ctx, person, platform):
        try:
            await adapter.unban(scene, account)
        except NotSupported:
            return
        except Exception:
            log.warning("unban of %s in %s failed", account.key, group_key, exc_info=True)


@plugin.command("appeal", aliases=["申诉"])
async def appeal_command(ctx: Context, *, text: str = "") -> None:
    """Works in private too: a removed member can no longer write in the group."""
    words = " ".join(text.split())[:MAX_APPEAL]
    if not words:
        await ctx.reply(ctx.t("appeal.need_text"))
        return
    person, stamp = ctx.person, now(ctx)
    filed = await ctx.app.db.write(lambda conn: appeal(conn, person, words, stamp), "moderation")
    if not filed:
        await ctx.reply(ctx.t("appeal.none"))
        return
    prefix = ctx.app.settings.commands.prefixes[0]
    for removal in filed:
        platform, _, ident = removal.group_key.partition(":")
        if platform not in ctx.app.adapters:
            continue
        scene = Scene(platform=platform, kind=SceneKind.GROUP, id=ident)
        notice = ctx.t(
            "appeal.notice", name=ctx.user.display_name, text=words, prefix=prefix, id=ctx.user.id
        )
        try:
            await ctx.send(notice, scene)
        except Exception:
            log.warning("could not post an appeal in %s", removal.group_key, exc_info=True)
    await ctx.reply(ctx.t("appeal.filed"))


@plugin.command("removals", aliases=["连带记录"], permission=Level.ADMIN, group_only=True)
async def removals_command(ctx: Context) -> None:
    community = ctx.community
    rows = await ctx.app.db.read(lambda conn: open_removals(conn, community))
    if not rows:
        await ctx.reply(ctx.t("removals.none"))
        return
    names = await ctx.app.identity.display_names(
        sorted({r.person for r in rows} | {r.root for r in rows})
    )
    lines = [ctx.t("removals.header", count=len(rows))]
    for row in rows:
        appealed = ctx.t("removals.appealed", text=row.appeal) if row.appeal else ""
        lines.append(
            ctx.t(
                "removals.line",
                name=names[row.person],
                root=names[row.root],
                depth=row.depth,
                appealed=appealed,
            )
        )
    await ctx.reply("\n".join(lines))
