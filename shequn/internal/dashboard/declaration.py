"""The ``dashboard`` plugin: sends login codes (the groups it lists come from ``app.groups``).

It is loaded only when ``[web] dashboard = true``; its start-up hook mounts the pages on the
shared web app.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from shequn.internal.context import Context
from shequn.internal.dashboard import auth
from shequn.internal.permission import Level
from shequn.internal.plugin import Plugin

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.dashboard")

dashboard_plugin = Plugin(
    "dashboard",
    title="Dashboard",
    switchable=False,
    directory=Path(__file__).resolve().parent,
)


@dashboard_plugin.command(
    "dashboard", aliases=["后台", "管理后台"], permission=Level.ADMIN, group_only=True
)
async def dashboard_login(ctx: Context) -> None:
    """Send the admin a one-time login code in private; never in the group."""
    adapter = ctx.app.adapter(ctx.event.platform)
    private = adapter.private_scene(ctx.user)
    code = await auth.issue_code(ctx.app.db, ctx.user.key, ctx.app.clock.now().timestamp())
    try:
        await ctx.send(
            ctx.t("login.code_private", code=code, minutes=int(auth.CODE_TTL // 60)), private
        )
    except Exception:
        await ctx.reply(ctx.t("login.private_failed"))
        return
    await ctx.reply(ctx.t("login.code_sent"))


@dashboard_plugin.on_startup
async def _mount(app: App) -> None:
    if app.settings.web.dashboard:
        from shequn.internal.dashboard.routes import mount

        mount(app)
