"""``/welcome``: admins see the welcome as a newcomer would, with themselves as newcomer."""

from __future__ import annotations

from shequn import Context, Level

from .config import WelcomeConfig
from .declaration import plugin
from .greeting import values_for, welcome_message


@plugin.command("welcome", aliases=["欢迎语"], permission=Level.ADMIN, group_only=True)
async def preview(ctx: Context) -> None:
    cfg = ctx.config(WelcomeConfig)
    values, mention = await values_for(ctx, ctx.user, None, cfg)
    await ctx.reply(welcome_message(ctx, cfg, values, mention, invited=False))
