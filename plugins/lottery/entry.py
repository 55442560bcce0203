"""Entering a lottery: the button under its announcement, or ``/lottery join [ID]``.

An entry is one row per person (the key decides, so a double click enters once) and its
cost a keyed ledger posting in the same savepoint. The entrant that fills a lottery with an
entrant limit triggers the draw.
"""

from __future__ import annotations

from shequn import ButtonPressed, Context

from .announce import JOIN_PREFIX
from .choices import open_lotteries
from .declaration import plugin
from .drawing import draw_now
from .models import Lottery
from .requirements import unmet
from .store import Entered, Refusal, enter, get, in_group


async def _enter(ctx: Context, lottery: Lottery, by_button: bool) -> None:
    assert lottery.id is not None
    name = ctx.user.display_name
    if by_button and lottery.entry != "button":
        await ctx.reply(ctx.t("enter.command_only", id=lottery.id))
        return
    if lottery.state != "open":
        await ctx.reply(ctx.t("enter.closed", id=lottery.id))
        return
    problem = await unmet(ctx, lottery)
    if problem is not None:
        await ctx.reply(
            ctx.t("enter.refused", name=name) + " " + ctx.t(problem.key, **problem.values)
        )
        return
    person, account, group = ctx.person, ctx.user.key, ctx.group_key
    now = ctx.app.clock.now().timestamp()
    outcome = await ctx.app.db.write(
        lambda conn: enter(conn, lottery, person, account, group, now), "lottery"
    )
    if isinstance(outcome, Entered):
        key = "enter.done_cost" if lottery.cost else "enter.done"
        await ctx.reply(
            ctx.t(key, name=name, id=lottery.id, count=outcome.entrants, cost=lottery.cost)
        )
        if outcome.full:
            await draw_now(ctx, lottery.id)
    elif outcome is Refusal.ALREADY:
        await ctx.reply(ctx.t("enter.already", name=name, id=lottery.id))
    elif outcome is Refusal.INSUFFICIENT:
        await ctx.reply(ctx.t("enter.insufficient", name=name, cost=lottery.cost))
    else:
        await ctx.reply(ctx.t("enter.closed", id=lottery.id))


@plugin.on(ButtonPressed)
async def join_button(ctx: Context) -> None:
    event = ctx.event
    if not isinstance(event, ButtonPressed) or not event.data.startswith(JOIN_PREFIX):
        return
    raw = event.data.removeprefix(JOIN_PREFIX)
    if not raw.isdecimal() or len(raw) > 12 or ctx.scene is None or ctx.scene.is_private:
        return
    lottery_id = int(raw)
    lottery = await ctx.app.db.read(lambda conn: get(conn, lottery_id))
    if lottery is None or lottery.group_key != ctx.group_key:
        await ctx.reply(ctx.t("unknown", id=lottery_id))
        return
    await _enter(ctx, lottery, by_button=True)


@plugin.command(
    "lottery join",
    aliases=["抽奖 参与", "参与抽奖", "lottery enter"],
    keywords=["参与抽奖"],
    group_only=True,
    choices={"lottery_id": open_lotteries},
)
async def lottery_join(ctx: Context, lottery_id: int | None = None) -> None:
    if lottery_id is None:
        group = ctx.group_key
        open_ones = await ctx.app.db.read(lambda conn: in_group(conn, group, ("open",), 2))
        if len(open_ones) != 1:
            key = "enter.none_open" if not open_ones else "enter.which"
            await ctx.reply(ctx.t(key, prefix=ctx.app.settings.commands.prefixes[0]))
            return
        lottery: Lottery | None = open_ones[0]
    else:
        wanted = lottery_id
        lottery = await ctx.app.db.read(lambda conn: get(conn, wanted))
    if lottery is None or lottery.group_key != ctx.group_key:
        await ctx.reply(ctx.t("unknown", id=lottery_id))
        return
    await _enter(ctx, lottery, by_button=False)
