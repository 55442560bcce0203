"""The open lotteries of a group, for pickers (Discord's autocomplete of ``lottery_id``)."""

from __future__ import annotations

from shequn import JobContext

from .announce import prize_text
from .store import in_group

SHOWN = 25


async def open_lotteries(ctx: JobContext) -> list[tuple[str, str]]:
    group = ctx.group_key
    found = await ctx.app.db.read(lambda conn: in_group(conn, group, ("open",), SHOWN))
    return [(str(lottery.id), f"#{lottery.id} {prize_text(ctx, lottery)}") for lottery in found]
