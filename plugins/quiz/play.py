"""A round in motion: ask a question, give the hint, reveal at the time limit, go on to the
next, and finish with scores and prizes.

Each step is guarded by a transition in the database, so a timeout racing a correct answer,
a job run twice or two workers still produce one reveal and one next question.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from shequn import Button, Buttons, JobContext, Message

from . import running
from .declaration import QuizConfig, plugin
from .store import (
    Asked,
    Cap,
    Question,
    ask,
    end_round,
    expire,
    get_asked,
    get_round,
    pay_prizes,
    round_players,
    round_scores,
)


def season_of(day: date, length: str) -> str:
    if length == "year":
        return f"{day.year}"
    if length == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


def daily_cap(ctx: JobContext) -> Cap:
    """The group's daily cap on a member's quiz points, from the start of its local day."""
    start = datetime.combine(ctx.today(), time(0), ctx.timezone).timestamp()
    return Cap(ctx.config(QuizConfig).daily_prize_cap, start)


def language_of(ctx: JobContext) -> str | None:
    """The language of questions asked here; None for any."""
    wanted = ctx.config(QuizConfig).language.strip()
    if wanted.lower() == "any":
        return None
    return wanted or ctx.locale


def button_data(ask_id: int, choice: int) -> str:
    return f"quiz:{ask_id}:{choice}"


def choices_of(asked: Asked) -> list[str]:
    return [button_data(asked.id, i) for i in range(max(2, len(asked.question.options)))]


def answer_text(ctx: JobContext, question: Question) -> str:
    """The correct answer as people read it."""
    if question.kind == "choice":
        index = int(question.answers[0])
        return f"{chr(ord('A') + index)}. {question.options[index]}"
    if question.kind == "truefalse":
        return ctx.t("tf.true" if question.answers[0] else "tf.false")
    return str(question.answers[0])


def render(ctx: JobContext, asked: Asked, seconds: int) -> Message:
    question = asked.question
    lines = [
        ctx.t(
            "question.header",
            position=asked.position,
            total=asked.total,
            category=question.category,
            stars="★" * question.difficulty,
        ),
        question.prompt,
    ]
    segments: list[Any] = []
    if question.kind == "choice":
        lines.append(ctx.t("question.choose", seconds=seconds))
        rows = [
            [Button(f"{chr(ord('A') + i)}. {option}", button_data(asked.id, i))]
            for i, option in enumerate(question.options)
        ]
        segments.append(Buttons.of(*rows))
    elif question.kind == "truefalse":
        lines.append(ctx.t("question.truefalse", seconds=seconds))
        segments.append(
            Buttons.of(
                [
                    Button(ctx.t("tf.true"), button_data(asked.id, 1)),
                    Button(ctx.t("tf.false"), button_data(asked.id, 0)),
                ]
            )
        )
    else:
        lines.append(ctx.t("question.type", seconds=seconds))
    return Message(["\n".join(lines), *segments])


def reveal_lines(ctx: JobContext, question: Question) -> list[str]:
    lines = [ctx.t("reveal.answer", answer=answer_text(ctx, question))]
    if question.explanation:
        lines.append(ctx.t("reveal.explanation", explanation=question.explanation))
    return lines


def withdraw_buttons(ctx: JobContext, asked: Asked) -> None:
    """A closed question's numbered choices must not turn a later ``2`` into an answer."""
    if ctx.scene is not None and asked.question.kind != "text":
        ctx.app.choices.withdraw(ctx.scene.key, choices_of(asked))


async def cancel_jobs(ctx: JobContext, ask_id: int) -> None:
    for job in ("timeout", "hint"):
        await ctx.app.scheduler.cancel(f"quiz:{job}:{ask_id}")


async def ask_next(ctx: JobContext, round_id: int, position: int) -> None:
    """Ask question ``position`` of the round (once), or finish the round after the last."""
    config = ctx.config(QuizConfig)
    current = await ctx.app.db.read(lambda conn: get_round(conn, round_id))
    if current is None or current.state != "running":
        return
    if position > len(current.plan):
        await finish(ctx, round_id, "finished")
        return
    moment = ctx.app.clock.now()
    deadline = moment + timedelta(seconds=config.time_limit)
    question_id = current.plan[position - 1]
    ask_id = await ctx.app.db.write(
        lambda conn: ask(
            conn, round_id, position, question_id, moment.timestamp(), deadline.timestamp()
        ),
        "quiz",
    )
    if ask_id is None:  # another worker or a repeated job asked it already
        return
    asked = await ctx.app.db.read(lambda conn: get_asked(conn, ask_id))
    if asked is None:  # the question left the bank meanwhile: skip it
        await ctx.app.db.write(lambda conn: expire(conn, ask_id), "quiz")
        await ask_next(ctx, round_id, position + 1)
        return
    # Schedule before sending: a failed send must still end in a reveal and a next question.
    await ctx.schedule("timeout", deadline, {"ask": ask_id}, key=f"quiz:timeout:{ask_id}")
    hint_after = config.hint_after
    if asked.question.hint and 0 < hint_after < config.time_limit:
        await ctx.schedule(
            "hint",
            moment + timedelta(seconds=hint_after),
            {"ask": ask_id},
            key=f"quiz:hint:{ask_id}",
        )
    await ctx.send(render(ctx, asked, config.time_limit))


async def finish(ctx: JobContext, round_id: int, state: str) -> bool:
    """End the round (``finished`` pays prizes, ``stopped`` does not) and post the scores."""
    config = ctx.config(QuizConfig)
    now = ctx.app.clock.now().timestamp()
    ended = await ctx.app.db.write(lambda conn: end_round(conn, round_id, state, now), "quiz")
    if not ended:
        return False
    running.groups(ctx.app).discard(ctx.group_key)
    ranking, players = await ctx.app.db.read(
        lambda conn: (round_scores(conn, round_id), round_players(conn, round_id))
    )
    prizes: dict[str, int] = {}
    too_few = players < config.min_players
    if state == "finished" and ranking and not too_few and any(config.prizes):
        community, group_key, cap = ctx.community, ctx.group_key, daily_cap(ctx)
        paid = await ctx.app.db.write(
            lambda conn: pay_prizes(
                conn, round_id, ranking, config.prizes, community, group_key, cap, now
            ),
            "quiz",
        )
        prizes = dict(paid)
    key = "round.finished" if state == "finished" else "round.stopped"
    lines = [ctx.t(key)]
    if not ranking:
        lines.append(ctx.t("round.nobody"))
    names = await ctx.app.identity.display_names([person for person, _, _ in ranking])
    for place, (person, points, correct) in enumerate(ranking, start=1):
        line = ctx.t("round.line", place=place, name=names[person], correct=correct, points=points)
        if prizes.get(person):
            line += ctx.t("round.prize", prize=prizes[person])
        lines.append(line)
    if state == "finished" and ranking and too_few and any(config.prizes):
        lines.append(ctx.t("round.too_few", min=config.min_players, count=players))
    await ctx.send("\n".join(lines))
    return True


@plugin.job("timeout")
async def on_timeout(ctx: JobContext, payload: dict[str, Any]) -> None:
    ask_id = int(payload["ask"])
    if not await ctx.app.db.write(lambda conn: expire(conn, ask_id), "quiz"):
        return  # answered in time, or the round was stopped
    asked = await ctx.app.db.read(lambda conn: get_asked(conn, ask_id))
    if asked is None:
        return
    withdraw_buttons(ctx, asked)
    await ctx.send("\n".join([ctx.t("reveal.timeout"), *reveal_lines(ctx, asked.question)]))
    await ask_next(ctx, asked.round_id, asked.position + 1)


@plugin.job("hint")
async def on_hint(ctx: JobContext, payload: dict[str, Any]) -> None:
    ask_id = int(payload["ask"])
    asked = await ctx.app.db.read(lambda conn: get_asked(conn, ask_id))
    if asked is None or asked.state != "open" or not asked.question.hint:
        return
    await ctx.send(ctx.t("hint", hint=asked.question.hint))
