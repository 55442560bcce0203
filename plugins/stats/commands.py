"""``/stats`` in chat: this group's health, with a chart where the platform takes images."""

from __future__ import annotations

from shequn import Context

from .declaration import plugin
from .report import message

MAX_DAYS = 90


@plugin.command("stats", aliases=["统计", "数据"], group_only=True, group_cooldown=10)
async def stats(ctx: Context, days: int = 7) -> None:
    days = max(1, min(MAX_DAYS, days))
    health = await ctx.app.analytics.group_health(ctx.group_key, days=days, locale=ctx.locale)
    adapter = ctx.app.adapters.get(ctx.event.scene.platform)
    images = adapter is not None and adapter.capabilities.images
    await ctx.reply(message(ctx.app, health, ctx.locale, images=images))


@plugin.command("stats roles", aliases=["统计 角色"], group_only=True, group_cooldown=10)
async def roles(ctx: Context, days: int = 30) -> None:
    days = max(1, min(MAX_DAYS, days))
    members = await ctx.app.analytics.member_roles(ctx.group_key, days=days, locale=ctx.locale)
    if not members:
        await ctx.reply(ctx.t("roles.none"))
        return
    lines = [ctx.t("roles.header", days=days)]
    for member in members[:15]:
        reason = member.role.evidence[0] if member.role.evidence else ""
        lines.append(f"  {member.name[:32]}: {member.role.name} ({reason})")
    await ctx.reply("\n".join(lines))
