"""Drawing and announcing, wherever the draw is triggered: the scheduled job at the end
time, the last entrant filling the lottery, the start-up check, an admin's reroll.

The draw itself is one transaction (``store.draw``); the announcement is claimed per round
(``store.claim_announcement``), so a round is announced once even if several triggers race.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import Any

from shequn import App, JobContext

from .announce import result
from .config import LotteryConfig
from .declaration import plugin
from .models import Lottery
from .scenes import scene_from_json
from .store import Drawn, claim_announcement, draw, result_of, unfinished

log = logging.getLogger("shequn.lottery")

DRAW_JOB = "draw"


def job_key(lottery_id: int) -> str:
    return f"lottery:draw:{lottery_id}"


def context_for(app: App, lottery: Lottery) -> JobContext:
    return JobContext(app, plugin, scene_from_json(lottery.scene))


async def announce(ctx: JobContext, drawn: Drawn) -> None:
    lottery_id, number = drawn.lottery.id, drawn.round
    assert lottery_id is not None
    if not await ctx.app.db.write(lambda conn: claim_announcement(conn, lottery_id, number)):
        return
    limit = ctx.config(LotteryConfig).show_winners
    try:
        await ctx.send(await result(ctx, drawn, limit))
    except Exception:
        log.exception("could not announce round %d of lottery %d", number, lottery_id)


async def draw_now(ctx: JobContext, lottery_id: int) -> Drawn | None:
    """Draw ``lottery_id`` if it is still open, and announce it; None if it was not open."""
    now = ctx.app.clock.now().timestamp()
    drawn = await ctx.app.db.write(lambda conn: draw(conn, lottery_id, now), "lottery")
    if drawn is not None:
        await announce(ctx, drawn)
    return drawn


@plugin.job(DRAW_JOB)
async def draw_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    lottery_id = payload.get("lottery")
    if not isinstance(lottery_id, int):
        log.warning("draw job without a lottery id: %r", payload)
        return
    await draw_now(ctx, lottery_id)


async def schedule_draw(ctx: JobContext, lottery: Lottery) -> None:
    assert lottery.id is not None
    at = datetime.fromtimestamp(lottery.ends_at, UTC)
    await ctx.schedule(DRAW_JOB, at, {"lottery": lottery.id}, key=job_key(lottery.id))


@plugin.on_startup
async def recover(app: App) -> None:
    """Before the due jobs run: re-create a draw job lost between creation and scheduling,
    draw lotteries that filled up just before a stop, announce rounds not yet announced."""
    for lottery in await app.db.read(unfinished):
        assert lottery.id is not None
        ctx = context_for(app, lottery)
        try:
            if lottery.state == "open":
                await schedule_draw(ctx, lottery)
                full = lottery.max_entrants is not None
                if full and lottery.entrants >= (lottery.max_entrants or 0):
                    await draw_now(ctx, lottery.id)
                continue
            drawn = await app.db.read(
                partial(result_of, lottery_id=lottery.id, number=lottery.rounds)
            )
            if drawn is not None:
                await announce(ctx, drawn)
        except Exception:
            log.exception("could not recover lottery %s", lottery.id)
