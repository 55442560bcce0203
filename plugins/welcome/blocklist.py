"""``/welcome block|unblock|blocked``: people whose join applications are declined in every
group of the community (the application rules' block list)."""

from __future__ import annotations

from shequn import Context, Level, User

from .config import WelcomeConfig
from .declaration import plugin
from .names import safe_name, safe_text
from .store import block, blocked, unblock

LIST_SIZE = 50


@plugin.command("welcome block", aliases=["入群拉黑"], permission=Level.ADMIN, group_only=True)
async def block_member(ctx: Context, member: User, *, reason: str = "") -> None:
    cfg = ctx.config(WelcomeConfig)
    person, community, by = ctx.person_of(member), ctx.community, ctx.person
    now = ctx.app.clock.now().timestamp()
    added = await ctx.app.db.write(lambda conn: block(conn, community, person, reason, by, now))
    name = safe_name(member.name, member.id, cfg.name_length)
    await ctx.reply(ctx.t("block.added" if added else "block.already", name=name))


@plugin.command(
    "welcome unblock", aliases=["入群解除拉黑"], permission=Level.ADMIN, group_only=True
)
async def unblock_member(ctx: Context, member: User) -> None:
    cfg = ctx.config(WelcomeConfig)
    person, community = ctx.person_of(member), ctx.community
    removed = await ctx.app.db.write(lambda conn: unblock(conn, community, person))
    name = safe_name(member.name, member.id, cfg.name_length)
    await ctx.reply(ctx.t("block.removed" if removed else "block.not_there", name=name))


@plugin.command("welcome blocked", aliases=["入群黑名单"], permission=Level.ADMIN, group_only=True)
async def list_blocked(ctx: Context) -> None:
    community = ctx.community
    rows = await ctx.app.db.read(lambda conn: blocked(conn, community, LIST_SIZE))
    if not rows:
        await ctx.reply(ctx.t("block.empty"))
        return
    names = await ctx.app.identity.display_names([person for person, _ in rows])
    lines = [ctx.t("block.header", count=len(rows))]
    lines.extend(
        ctx.t(
            "block.line",
            name=safe_text(names[person], 32),
            reason=safe_text(reason, 100) or ctx.t("apply.no_reason"),
        )
        for person, reason in rows
    )
    await ctx.reply("\n".join(lines))
