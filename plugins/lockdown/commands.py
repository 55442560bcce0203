"""``/lockdown [minutes|off|status]`` (封群): one command for the whole community."""

from __future__ import annotations

from datetime import UTC, datetime

from shequn import Context, Level

from .actions import end, start
from .config import LockdownConfig
from .declaration import plugin
from .store import current

MAX_MINUTES = 10_080
LIFT_WORDS = {"off", "lift", "end", "解除", "解封", "关闭"}
STATUS_WORDS = {"status", "状态"}


@plugin.command(
    "lockdown", aliases=["lock"], keywords=["封群"], permission=Level.ADMIN, group_only=True
)
async def lockdown(ctx: Context, what: str = "") -> None:
    word = what.strip().lower()
    if word in LIFT_WORDS:
        if await end(ctx, ctx.community, None, None):
            key = f"lockdown:lift:{ctx.event.scene.key}:{ctx.event.id}"
            await ctx.app.audit.record(
                ctx.group_key, ctx.person, "unlock", key=key, plugin="lockdown"
            )
            return
        await ctx.reply(ctx.t("lockdown.not_locked"))
        return
    if word in STATUS_WORDS:
        await _status(ctx)
        return
    if word and not (word.isascii() and word.isdigit()):
        await ctx.reply(ctx.t("lockdown.usage", limit=MAX_MINUTES))
        return
    minutes = int(word) if word else ctx.config(LockdownConfig).default_minutes
    if not 1 <= minutes <= MAX_MINUTES:
        await ctx.reply(ctx.t("lockdown.usage", limit=MAX_MINUTES))
        return
    result = await start(ctx, minutes, "manual", ctx.person)
    if not result.started:
        until = datetime.fromtimestamp(result.lock.until, UTC).astimezone(ctx.timezone)
        await ctx.reply(ctx.t("lockdown.extended", until=until.strftime("%Y-%m-%d %H:%M")))


async def _status(ctx: Context) -> None:
    community = ctx.community
    found = await ctx.app.db.read(lambda conn: current(conn, community))
    if found is None:
        await ctx.reply(ctx.t("lockdown.not_locked"))
        return
    until = datetime.fromtimestamp(found.until, UTC).astimezone(ctx.timezone)
    await ctx.reply(
        ctx.t(
            "lockdown.status",
            mode=ctx.t(f"mode.{found.mode}"),
            reason=ctx.t(f"reason.{found.reason}"),
            until=until.strftime("%Y-%m-%d %H:%M"),
        )
    )
