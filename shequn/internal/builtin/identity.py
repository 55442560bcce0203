"""``/link`` and ``/unlink`` to join accounts into one person (both accounts consent),
``/community`` to join groups into one."""

from __future__ import annotations

import math
from collections.abc import Callable

from shequn.internal.builtin.declaration import core_plugin
from shequn.internal.context import Context
from shequn.internal.event import ButtonPressed, User
from shequn.internal.identity import IdentityError
from shequn.internal.linking import LINK_CODE_TTL, Claimed, Links, Refusal
from shequn.internal.message import Button, Buttons, Message
from shequn.internal.permission import Level

CONFIRM = "core:link:confirm:"
REFUSE = "core:link:refuse:"
"""Button data of the issuer's question, followed by the code it answers."""
MINUTES = int(LINK_CODE_TTL // 60)


def _links(ctx: Context) -> Links:
    return Links(ctx.app.db, ctx.app.clock, ctx.app.identity)


def _prefix(ctx: Context) -> str:
    return ctx.app.settings.commands.prefixes[0]


def _t_for(ctx: Context, account: str) -> Callable[..., str]:
    """Translate for the private chat of ``account``, which has its own language."""
    user = User.from_key(account)
    adapter = ctx.app.adapters.get(user.platform)
    locale: str = ctx.app.settings.locale
    if adapter is not None:
        locale = ctx.app.group_locale(adapter.private_scene(user).group_key)
    return lambda key, **values: ctx.app.translator.translate("core", locale, key, **values)


async def _tell(ctx: Context, account: str, content: Message | str) -> bool:
    """Best effort: a private message to ``account`` (False when it cannot be written to)."""
    name = (await ctx.app.identity.display_names([account]))[account]
    return await ctx.send_private(account, name, content)


@core_plugin.command("link", aliases=["绑定"])
async def link(ctx: Context, code: str = "") -> None:
    if code:
        await _claim(ctx, code)
        return
    issued, _ = await _links(ctx).issue(ctx.user.key)
    values = {"code": issued, "prefix": _prefix(ctx), "minutes": MINUTES}
    if ctx.scene is not None and ctx.scene.is_private:
        await ctx.reply(ctx.t("link.code", **values))
        return
    # Never in a group: whoever reads the code could ask to join the issuer's accounts.
    # The member just asked in this group, so the code comes in this group's language.
    name = ctx.user.display_name
    text = ctx.t("link.code", **values)
    if await ctx.send_private(ctx.user.key, name, text):
        await ctx.reply(ctx.t("link.code_sent", name=name))
    else:
        await ctx.reply(ctx.t("link.open_private", name=name, prefix=_prefix(ctx)))


async def _claim(ctx: Context, code: str) -> None:
    claimed = await _links(ctx).claim(ctx.user.key, code)
    if isinstance(claimed, Refusal):
        await ctx.reply(ctx.t(claimed.key, prefix=_prefix(ctx)))
        return
    asked = await _ask_issuer(ctx, claimed)
    key = "link.claimed" if asked else "link.claimed_unreached"
    minutes = _minutes_left(ctx, claimed)
    await ctx.reply(ctx.t(key, issuer=claimed.issuer, prefix=_prefix(ctx), minutes=minutes))


def _minutes_left(ctx: Context, claimed: Claimed) -> int:
    return max(1, math.ceil((claimed.expires_at - ctx.app.clock.now().timestamp()) / 60))


async def _ask_issuer(ctx: Context, claimed: Claimed) -> bool:
    """Ask the issuing account, in private, whether the claimant is really its own."""
    t = _t_for(ctx, claimed.issuer)
    values = {
        "claimant": ctx.user.key,
        "name": ctx.user.display_name,
        "minutes": _minutes_left(ctx, claimed),
    }
    text = t("link.ask", prefix=_prefix(ctx), **values)
    buttons = Buttons.of(
        [
            Button(t("link.button_confirm"), CONFIRM + claimed.code),
            Button(t("link.button_refuse"), REFUSE + claimed.code),
        ]
    )
    return await _tell(ctx, claimed.issuer, Message([text, buttons]))


@core_plugin.command("link confirm", aliases=["绑定 确认", "确认绑定"])
async def link_confirm(ctx: Context) -> None:
    await _confirm(ctx, None)


@core_plugin.command("link refuse", aliases=["link cancel", "绑定 拒绝", "拒绝绑定"])
async def link_refuse(ctx: Context) -> None:
    await _refuse(ctx, None)


@core_plugin.on(ButtonPressed)
async def link_button(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, ButtonPressed):
        return
    if event.data.startswith(CONFIRM):
        await _confirm(ctx, event.data.removeprefix(CONFIRM))
    elif event.data.startswith(REFUSE):
        await _refuse(ctx, event.data.removeprefix(REFUSE))


async def _confirm(ctx: Context, code: str | None) -> None:
    linked = await _links(ctx).confirm(ctx.user.key, code)
    if isinstance(linked, Refusal):
        await ctx.reply(ctx.t(linked.key, prefix=_prefix(ctx)))
        return
    accounts = ", ".join(ctx.app.identity.accounts_of(linked.person))
    await ctx.reply(ctx.t("link.done", accounts=accounts))
    done = _t_for(ctx, linked.claimant)("link.done", accounts=accounts)
    await _tell(ctx, linked.claimant, done)


async def _refuse(ctx: Context, code: str | None) -> None:
    declined = await _links(ctx).refuse(ctx.user.key, code)
    if isinstance(declined, Refusal):
        await ctx.reply(ctx.t(declined.key, prefix=_prefix(ctx)))
        return
    await ctx.reply(ctx.t("link.refused"))
    if declined.other is not None:
        text = _t_for(ctx, declined.other)("link.refused_other", account=declined.by)
        await _tell(ctx, declined.other, text)


@core_plugin.command("unlink", aliases=["解绑", "解除绑定"])
async def unlink(ctx: Context) -> None:
    """The acting account leaves its person; points stay with the person (see linking)."""
    unlinked = await _links(ctx).unlink(ctx.user.key)
    if isinstance(unlinked, Refusal):
        await ctx.reply(ctx.t(unlinked.key))
        return
    accounts = ", ".join(ctx.app.identity.accounts_of(unlinked.person))
    released = ", ".join(unlinked.released)
    await ctx.reply(ctx.t("unlink.done", released=released, accounts=accounts))


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
