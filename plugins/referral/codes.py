"""``/invite`` (a personal invitation) and ``/joined CODE`` (a newcomer names an inviter)."""

from __future__ import annotations

import logging

from shequn import Context, NotSupported

from .config import ReferralConfig
from .declaration import plugin
from .flow import LINK_PREFIX, start_reward
from .store import code_of, find_code, set_link

log = logging.getLogger("shequn.referral")


@plugin.command("invite", aliases=["邀请", "推荐"], keywords=["邀请码"], group_only=True)
async def invite_command(ctx: Context) -> None:
    config = ctx.config(ReferralConfig)
    community, person, group_key = ctx.community, ctx.person, ctx.group_key
    now = ctx.app.clock.now().timestamp()
    code = await ctx.app.db.write(
        lambda conn: code_of(conn, community, person, group_key, now), "referral"
    )
    link = code.link
    assert ctx.scene is not None
    adapter = ctx.app.adapter(ctx.scene.platform)
    if link is None and adapter.capabilities.invite_links:
        try:
            link = await adapter.create_invite(ctx.scene, ctx.user, LINK_PREFIX + code.code)
        except NotSupported:
            link = None
        except Exception:
            log.warning("could not create an invite link in %s", ctx.group_key, exc_info=True)
            link = None
        if link:
            made = link
            await ctx.app.db.write(lambda conn: set_link(conn, code.code, made), "referral")
    prefix = ctx.app.settings.commands.prefixes[0]
    lines = [
        ctx.t("invite.link", link=link)
        if link
        else ctx.t("invite.code", code=code.code, prefix=prefix, hours=config.code_hours)
    ]
    if config.reward_points:
        lines.append(
            ctx.t(
                "invite.terms",
                points=config.reward_points,
                days=config.min_days,
                signins=config.min_signins,
            )
        )
    await ctx.reply("\n".join(lines))


@plugin.command("joined", aliases=["受邀", "邀请人"], group_only=True)
async def joined_command(ctx: Context, code: str) -> None:
    config = ctx.config(ReferralConfig)
    found = await ctx.app.db.read(lambda conn: find_code(conn, code))
    if found is None or found.community != ctx.community:
        await ctx.reply(ctx.t("joined.unknown", code=code[:20]))
        return
    if found.person == ctx.person:
        await ctx.reply(ctx.t("joined.self"))
        return
    node = await ctx.app.invites.get(ctx.community, ctx.person)
    if node is None:
        await ctx.reply(ctx.t("joined.not_new"))
        return
    since = ctx.app.clock.now().timestamp() - config.code_hours * 3600
    if not await ctx.app.invites.attribute(ctx.community, ctx.person, found.person, "code", since):
        if node.inviter is not None:
            key = "joined.already"
        elif node.rejoins > 0:
            key = "joined.rejoin"
        else:
            key = "joined.too_late"
        await ctx.reply(ctx.t(key, hours=config.code_hours))
        return
    await start_reward(ctx, ctx.person)
    names = await ctx.app.identity.display_names([found.person])
    await ctx.reply(ctx.t("joined.done", inviter=names[found.person]))
