"""``/link`` to join accounts into one person, ``/community`` to join groups into one."""

from __future__ import annotations

from shequn.internal.builtin.declaration import core_plugin
from shequn.internal.context import Context
from shequn.internal.identity import LINK_CODE_TTL, IdentityError
from shequn.internal.permission import Level


@core_plugin.command("link", aliases=["绑定"])
async def link(ctx: Context, code: str = "") -> None:
    identity = ctx.app.identity
    if not code:
        issued = await identity.issue_link_code(ctx.user.key)
        prefix = ctx.app.settings.commands.prefixes[0]
        minutes = int(LINK_CODE_TTL // 60)
        await ctx.reply(ctx.t("link.code", code=issued, prefix=prefix, minutes=minutes))
        return
    try:
        await identity.redeem_link_code(ctx.user.key, code)
    except IdentityError as error:
        await ctx.reply(ctx.t(error.key, **error.values))
        return
    accounts = ", ".join(identity.accounts_of(ctx.person))
    await ctx.reply(ctx.t("link.done", accounts=accounts))


@core_plugin.command("community", aliases=["社群"], permission=Level.SUPERUSER)
async def community_root(ctx: Context) -> None:
    await community_list(ctx)


@core_plugin.command("community list", aliases=["社群 列表"], permission=Level.SUPERUSER)
async def community_list(ctx: Context) -> None:
    communities = ctx.app.identity.communities()
    if not communities:
        await ctx.reply(ctx.t("community.none", prefix=ctx.app.settings.commands.prefixes[0]))
        return
    lines = [ctx.t("community.header")]
    for info in communities:
        groups = ", ".join(info.groups) or "-"
        lines.append(f"  {info.name}: {groups}")
    await ctx.reply("\n".join(lines))


@core_plugin.command("community create", aliases=["社群 创建"], permission=Level.SUPERUSER)
async def community_create(ctx: Context, name: str) -> None:
    try:
        await ctx.app.identity.create_community(name[:100])
    except IdentityError as error:
        await ctx.reply(ctx.t(error.key, **error.values))
        return
    await ctx.reply(ctx.t("community.created", name=name[:100]))


@core_plugin.command("community add", aliases=["社群 加入"], permission=Level.SUPERUSER)
async def community_add(ctx: Context, name: str, group: str = "") -> None:
    identity = ctx.app.identity
    target = group or ctx.group_key
    try:
        key = identity.find_community(name)
        await identity.add_group(key, target)
    except IdentityError as error:
        await ctx.reply(ctx.t(error.key, **error.values))
        return
    await ctx.reply(ctx.t("community.added", name=name, group=target))


@core_plugin.command("community remove", aliases=["社群 移除"], permission=Level.SUPERUSER)
async def community_remove(ctx: Context, group: str = "") -> None:
    target = group or ctx.group_key
    await ctx.app.identity.remove_group(target)
    await ctx.reply(ctx.t("community.removed", group=target))
