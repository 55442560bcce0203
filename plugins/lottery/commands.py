"""Admins' commands: ``/lottery create``, ``cancel``, ``reroll``; everyone's ``list`` and
``info``."""

from __future__ import annotations

from shequn import Context, Level

from .announce import created, describe, prize_text, when
from .choices import open_lotteries
from .config import LotteryConfig
from .declaration import plugin
from .drawing import announce, job_key, schedule_draw
from .fairness import commitment, new_seed
from .options import OptionError, parse
from .scenes import scene_to_json
from .store import cancel, create, get, in_group, reroll, winners_by_round


def _prefix(ctx: Context) -> str:
    return ctx.app.settings.commands.prefixes[0]


@plugin.command("lottery", aliases=["抽奖"], group_only=True)
async def lottery_root(ctx: Context) -> None:
    await lottery_list(ctx)


@plugin.command(
    "lottery create",
    aliases=["抽奖 创建"],
    keywords=["创建抽奖"],
    permission=Level.ADMIN,
    group_only=True,
)
async def lottery_create(ctx: Context, *, options: str) -> None:
    config = ctx.config(LotteryConfig)
    try:
        spec = parse(options, ctx.now(), config)
    except OptionError as error:
        await ctx.reply(ctx.t(error.key, **error.values) + "\n" + ctx.t("opt.help"))
        return
    seed = new_seed()
    now = ctx.app.clock.now().timestamp()
    values = {
        "origin": f"{ctx.event.scene.key}:{ctx.event.id}",
        "group_key": ctx.group_key,
        "community": ctx.community,
        "scene": scene_to_json(ctx.event.scene),
        "creator": ctx.person,
        "prize": spec.prize,
        "prize_points": spec.prize_points,
        "winners": spec.winners,
        "ends_at": spec.ends_at.timestamp(),
        "max_entrants": spec.max_entrants,
        "entry": spec.entry,
        "cost": spec.cost,
        "min_points": spec.min_points,
        "min_streak": spec.min_streak,
        "min_days": spec.min_days,
        "title": spec.title,
        "entrants": 0,
        "seed": seed,
        "commitment": commitment(seed),
        "state": "open",
        "rounds": 0,
        "announced": 0,
        "created_at": now,
    }
    lottery_id = await ctx.app.db.write(lambda conn: create(conn, values), "lottery")
    if lottery_id is None:
        return  # the same event again: the lottery exists and was announced
    lottery = await ctx.app.db.read(lambda conn: get(conn, lottery_id))
    assert lottery is not None
    await schedule_draw(ctx, lottery)
    await ctx.reply(created(ctx, lottery, _prefix(ctx)))


@plugin.command("lottery list", aliases=["抽奖 列表"], keywords=["抽奖列表"], group_only=True)
async def lottery_list(ctx: Context) -> None:
    group, size = ctx.group_key, ctx.config(LotteryConfig).list_size
    states = ("open", "drawn", "cancelled")
    found = await ctx.app.db.read(lambda conn: in_group(conn, group, states, size))
    if not found:
        await ctx.reply(ctx.t("list.empty", prefix=_prefix(ctx)))
        return
    lines = [ctx.t("list.header")]
    for lottery in found:
        state = ctx.t(f"state.{lottery.state}")
        lines.append(
            ctx.t(
                "list.line",
                id=lottery.id,
                prize=prize_text(ctx, lottery),
                state=state,
                entrants=lottery.entrants,
                at=when(ctx, lottery.drawn_at or lottery.ends_at),
            )
        )
    await ctx.reply("\n".join(lines))


@plugin.command(
    "lottery info", aliases=["抽奖 详情"], group_only=True, choices={"lottery_id": open_lotteries}
)
async def lottery_info(ctx: Context, lottery_id: int) -> None:
    lottery = await ctx.app.db.read(lambda conn: get(conn, lottery_id))
    if lottery is None or lottery.group_key != ctx.group_key:
        await ctx.reply(ctx.t("unknown", id=lottery_id))
        return
    lines = describe(ctx, lottery)
    lines.append(ctx.t("info.state", state=ctx.t(f"state.{lottery.state}"), n=lottery.entrants))
    if lottery.state == "drawn":
        rounds = await ctx.app.db.read(lambda conn: winners_by_round(conn, lottery_id))
        names = await ctx.app.identity.display_names(
            sorted({p for w in rounds.values() for p in w})
        )
        for number in sorted(rounds):
            shown = ", ".join(names[p] for p in rounds[number])
            lines.append(ctx.t("info.round", round=number, winners=shown))
        lines.append(ctx.t("drawn.seed", seed=lottery.seed, commitment=lottery.commitment))
        lines.append(ctx.t("drawn.verify", id=lottery.id))
    await ctx.reply("\n".join(lines))


@plugin.command(
    "lottery cancel",
    aliases=["抽奖 取消"],
    keywords=["取消抽奖"],
    permission=Level.ADMIN,
    group_only=True,
    choices={"lottery_id": open_lotteries},
)
async def lottery_cancel(ctx: Context, lottery_id: int) -> None:
    lottery = await ctx.app.db.read(lambda conn: get(conn, lottery_id))
    if lottery is None or lottery.group_key != ctx.group_key:
        await ctx.reply(ctx.t("unknown", id=lottery_id))
        return
    now = ctx.app.clock.now().timestamp()
    done = await ctx.app.db.write(lambda conn: cancel(conn, lottery_id, now), "lottery")
    if done is None:
        lottery = await ctx.app.db.read(lambda conn: get(conn, lottery_id)) or lottery
        await ctx.reply(
            ctx.t("cancel.not_open", id=lottery_id, state=ctx.t(f"state.{lottery.state}"))
        )
        return
    await ctx.app.scheduler.cancel(job_key(lottery_id))
    await ctx.reply(ctx.t("cancel.done", id=lottery_id, refunded=done.refunded, points=done.points))


@plugin.command(
    "lottery reroll",
    aliases=["抽奖 重抽"],
    keywords=["重新抽奖"],
    permission=Level.ADMIN,
    group_only=True,
)
async def lottery_reroll(ctx: Context, lottery_id: int, count: int = 1) -> None:
    lottery = await ctx.app.db.read(lambda conn: get(conn, lottery_id))
    if lottery is None or lottery.group_key != ctx.group_key:
        await ctx.reply(ctx.t("unknown", id=lottery_id))
        return
    limit = ctx.config(LotteryConfig).max_winners
    if not 1 <= count <= limit:
        await ctx.reply(ctx.t("opt.range", name="count", low=1, high=limit))
        return
    now = ctx.app.clock.now().timestamp()
    drawn = await ctx.app.db.write(lambda conn: reroll(conn, lottery_id, count, now), "lottery")
    if drawn is None:
        await ctx.reply(ctx.t("reroll.not_drawn", id=lottery_id))
        return
    await announce(ctx, drawn)
