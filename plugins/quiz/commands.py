"""``/quiz start|stop|rank|categories``: rounds and the season leaderboard."""

from __future__ import annotations

from sqlalchemy import Connection

from shequn import Context, Level

from . import running
from .declaration import QuizConfig, plugin
from .play import ask_next, cancel_jobs, finish, language_of, season_of, withdraw_buttons
from .store import (
    Asked,
    active_round,
    categories,
    open_asked,
    open_round,
    pick_questions,
    season_board,
)


async def _may_run_rounds(ctx: Context) -> bool:
    if ctx.config(QuizConfig).start_permission == "member" or await ctx.level() >= Level.ADMIN:
        return True
    await ctx.reply(ctx.t("round.admins_only"))
    return False


@plugin.command("quiz", keywords=["答题"], group_only=True)
async def quiz_status(ctx: Context) -> None:
    group_key = ctx.group_key
    asked = await ctx.app.db.read(lambda conn: open_asked(conn, group_key))
    prefix = ctx.app.settings.commands.prefixes[0]
    if asked is None:
        await ctx.reply(ctx.t("status.idle", prefix=prefix))
    else:
        await ctx.reply(
            ctx.t("status.running", position=asked.position, total=asked.total, prefix=prefix)
        )


@plugin.command("quiz start", aliases=["答题 开始"], keywords=["开始答题"], group_only=True)
async def quiz_start(ctx: Context, category: str = "", count: int = 0) -> None:
    if not await _may_run_rounds(ctx):
        return
    config = ctx.config(QuizConfig)
    if category.isdecimal() and not count:  # /quiz start 5
        category, count = "", int(category)
    count = count or config.questions_per_round
    if not 1 <= count <= config.max_questions:
        await ctx.reply(ctx.t("round.bad_count", max=config.max_questions))
        return
    lang = language_of(ctx)
    group_key = ctx.group_key
    plan = await ctx.app.db.read(
        lambda conn: pick_questions(conn, group_key, lang, category, count)
    )
    if not plan:
        key = "round.no_questions_in" if category else "round.no_questions"
        await ctx.reply(
            ctx.t(key, category=category[:50], prefix=ctx.app.settings.commands.prefixes[0])
        )
        return
    community, person = ctx.community, ctx.person
    now = ctx.app.clock.now().timestamp()
    round_id = await ctx.app.db.write(
        lambda conn: open_round(conn, group_key, community, category, plan, person, now), "quiz"
    )
    if round_id is None:
        await ctx.reply(ctx.t("round.already"))
        return
    running.groups(ctx.app).add(group_key)
    await ctx.reply(
        ctx.t(
            "round.started",
            count=len(plan),
            seconds=config.time_limit,
            points=config.points_per_correct,
        )
    )
    await ask_next(ctx, round_id, 1)


@plugin.command("quiz stop", aliases=["答题 结束"], keywords=["结束答题"], group_only=True)
async def quiz_stop(ctx: Context) -> None:
    if not await _may_run_rounds(ctx):
        return
    group_key = ctx.group_key

    def read(conn: Connection) -> tuple[int | None, Asked | None]:
        return active_round(conn, group_key), open_asked(conn, group_key)

    round_id, asked = await ctx.app.db.read(read)
    if round_id is None or not await finish(ctx, round_id, "stopped"):
        await ctx.reply(ctx.t("round.none"))
        return
    if asked is not None:
        await cancel_jobs(ctx, asked.id)
        withdraw_buttons(ctx, asked)


@plugin.command("quiz rank", aliases=["答题 排行"], keywords=["答题排行"], group_only=True)
async def quiz_rank(ctx: Context) -> None:
    config = ctx.config(QuizConfig)
    season = season_of(ctx.today(), config.season)
    community, size = ctx.community, config.leaderboard_size
    board = await ctx.app.db.read(lambda conn: season_board(conn, community, season, size))
    if not board:
        await ctx.reply(ctx.t("rank.empty", season=season))
        return
    names = await ctx.app.identity.display_names([person for person, _, _ in board])
    lines = [ctx.t("rank.header", season=season)]
    lines.extend(
        ctx.t("rank.line", place=place, name=names[person], correct=correct, points=points)
        for place, (person, points, correct) in enumerate(board, start=1)
    )
    await ctx.reply("\n".join(lines))


@plugin.command("quiz categories", aliases=["答题 分类", "答题分类"], group_only=True)
async def quiz_categories(ctx: Context) -> None:
    lang = language_of(ctx)
    found = await ctx.app.db.read(lambda conn: categories(conn, lang))
    if not found:
        await ctx.reply(ctx.t("round.no_questions", prefix=ctx.app.settings.commands.prefixes[0]))
        return
    listing = ", ".join(f"{name} ({count})" for name, count in found)
    await ctx.reply(ctx.t("categories", categories=listing))
