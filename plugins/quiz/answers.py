"""Answers: typed text for every kind of question, buttons (or their numbers) for choices.

A typed answer is compared after normalisation; the first correct one closes the question.
A choice is a person's one answer to that question (a second press, or a double click, is
refused by the key of ``quiz_answer``).
"""

from __future__ import annotations

from sqlalchemy import Connection

from shequn import ButtonPressed, Context, MessageEvent

from . import running
from .bank import LETTERS
from .declaration import QuizConfig, plugin
from .normalise import normalise, truth_of
from .play import ask_next, cancel_jobs, daily_cap, reveal_lines, season_of, withdraw_buttons
from .store import Asked, Win, get_asked, open_asked, record_answer, win


def choice_in_text(asked: Asked, text: str) -> int | None:
    """The choice a typed message names: a letter, an option's text, or yes/no."""
    question = asked.question
    if question.kind == "truefalse":
        truth = truth_of(text)
        return None if truth is None else int(truth)
    word = normalise(text)
    if len(word) == 1 and word.upper() in LETTERS[: len(question.options)]:
        return LETTERS.index(word.upper())
    for index, option in enumerate(question.options):
        if normalise(option) == word:
            return index
    return None


def is_correct_text(asked: Asked, text: str) -> bool:
    word = normalise(text)
    return bool(word) and any(normalise(str(a)) == word for a in asked.question.answers)


def is_correct_choice(asked: Asked, choice: int) -> bool:
    expected = asked.question.answers[0]
    if asked.question.kind == "truefalse":
        return choice == int(bool(expected))
    return choice == int(expected)


async def _claim_win(ctx: Context, asked: Asked, choice: int | None) -> Win | str:
    """Record the answer (choices: once per person) and, if correct and first, the win."""
    config = ctx.config(QuizConfig)
    person, community, group_key = ctx.person, ctx.community, ctx.group_key
    season = season_of(ctx.today(), config.season)
    points, cap = config.points_per_correct, daily_cap(ctx)
    now = ctx.app.clock.now().timestamp()
    correct = is_correct_choice(asked, choice) if choice is not None else True

    def write(conn: Connection) -> Win | str:
        if choice is not None and not record_answer(conn, asked.id, person, choice, correct, now):
            return "again"
        if not correct:
            return "wrong"
        result = win(conn, asked, person, community, group_key, season, points, cap, now)
        if result is None:
            if choice is None:  # a right answer, too late: still a player of the round
                record_answer(conn, asked.id, person, -1, True, now)
            return "late"
        return result

    return await ctx.app.db.write(write, "quiz")


async def _settle(ctx: Context, asked: Asked, choice: int | None) -> None:
    if ctx.app.clock.now().timestamp() > asked.deadline:
        return  # the reveal is on its way
    result = await _claim_win(ctx, asked, choice)
    name = ctx.user.display_name
    if result == "again":
        await ctx.reply(ctx.t("answer.again", name=name))
    elif result == "wrong":
        await ctx.reply(ctx.t("answer.wrong", name=name))
    elif isinstance(result, Win):
        await cancel_jobs(ctx, asked.id)
        withdraw_buttons(ctx, asked)
        lines = [ctx.t("answer.correct", name=name, points=result.points)]
        if result.capped:
            lines.append(ctx.t("answer.capped", name=name, cap=daily_cap(ctx).points))
        lines.extend(reveal_lines(ctx, asked.question))
        await ctx.reply("\n".join(lines))
        await ask_next(ctx, asked.round_id, asked.position + 1)


@plugin.on(MessageEvent)
async def typed_answer(ctx: Context) -> None:
    if ctx.event.scene.is_private or ctx.group_key not in running.groups(ctx.app):
        return
    text = ctx.text.strip()
    if not text or len(text) > 200 or text.startswith(tuple(ctx.app.settings.commands.prefixes)):
        return
    group_key = ctx.group_key
    asked = await ctx.app.db.read(lambda conn: open_asked(conn, group_key))
    if asked is None:
        return
    if asked.question.kind == "text":
        if is_correct_text(asked, text):
            await _settle(ctx, asked, None)
        return
    choice = choice_in_text(asked, text)
    if choice is not None:
        await _settle(ctx, asked, choice)


@plugin.on(ButtonPressed)
async def pressed_answer(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, ButtonPressed)
    kind, _, rest = event.data.partition(":")
    ask_part, _, choice_part = rest.partition(":")
    if kind != "quiz" or len(rest) > 24 or not (ask_part.isdecimal() and choice_part.isdecimal()):
        return
    ask_id, choice = int(ask_part), int(choice_part)
    asked = await ctx.app.db.read(lambda conn: get_asked(conn, ask_id))
    if asked is None or asked.group_key != ctx.group_key or asked.question.kind == "text":
        return
    if asked.state != "open":
        await ctx.reply(ctx.t("answer.closed", name=ctx.user.display_name))
        return
    if choice >= max(2, len(asked.question.options)):
        return
    await _settle(ctx, asked, choice)
