"""Sign-up questions in chat: ``/event questions`` (set them), the private conversation
that asks them one by one after a sign-up, ``/event form`` (ask again) and
``/event answers`` (the organiser reads them, in private).

A sign-up keeps its seat while answers are pending (no one loses a seat to a slow reply);
it is complete, and the member told so, when the last answer is in. Answers are never
logged and never posted in a group.
"""

from __future__ import annotations

import re

from shequn import Context, Level, MessageEvent

from .access import event_here, organised_event, tell_privately
from .answers import (
    Progress,
    count_questions,
    current_event,
    progress,
    questions_of,
    queue,
    record,
    set_questions,
)
from .declaration import plugin
from .models import EventRow, Question
from .questions import QuestionError, check_answer, parse_questions
from .store import signups
from .table import answer_table

MAX_LISTED = 100
"""Sign-ups listed by ``/event answers``; the CLI exports every one."""


def _raw_rest(text: str, event_id: int) -> str:
    """The message after the event's number, quotes kept (the parsed rest has lost them,
    and ``"T-shirt size"`` is one question)."""
    found = re.search(rf"(?<!\S)0*{event_id}(?!\S)(.*)", text, re.S)
    return found.group(1).strip() if found else ""


def label(ctx: Context, question: Question) -> str:
    if question.kind in ("name", "phone"):
        return ctx.t(f"ask.label_{question.kind}")
    return question.label


def _question_line(ctx: Context, state: Progress, question: Question) -> str:
    return ctx.t(
        "ask.question",
        number=question.position,
        total=len(state.questions),
        label=label(ctx, question),
    )


async def _send(ctx: Context, text: str) -> bool:
    if ctx.scene is not None and ctx.scene.is_private:
        await ctx.reply(text)
        return True
    return await ctx.send_private(ctx.user.key, ctx.user.display_name, text)


async def ask_current(ctx: Context, *, intro: bool) -> bool | None:
    """Ask ``ctx``'s person the next question of the event they are answering; None when
    nothing is pending, else whether the private message went out."""
    person = ctx.person
    event_id = await ctx.app.db.read(lambda conn: current_event(conn, person))
    if event_id is None:
        return None
    state = await ctx.app.db.read(lambda conn: progress(conn, event_id, person))
    if state is None or state.next is None:
        return None
    lines = [_question_line(ctx, state, state.next)]
    if intro or not state.answered:
        event = state.event
        total = len(state.questions)
        lines.insert(0, ctx.t("ask.intro", id=event.id, title=event.title, count=total))
    return await _send(ctx, "\n".join(lines))


async def offer(ctx: Context, event: EventRow) -> str:
    """After a sign-up: queue the event's questions for the member and ask the first one
    in private when it is their turn. The line to add to the sign-up's reply ("" when the
    event asks nothing)."""
    event_id = event.id or 0
    count = await ctx.app.db.read(lambda conn: count_questions(conn, event_id))
    if count == 0:
        return ""
    person, now = ctx.person, ctx.app.clock.now().timestamp()
    await ctx.app.db.write(lambda conn: queue(conn, event_id, person, now), "events")
    pending = await ctx.app.db.read(lambda conn: progress(conn, event_id, person))
    if pending is not None and pending.next is None:
        return ""
    prefix = ctx.app.settings.commands.prefixes[0]
    current = await ctx.app.db.read(lambda conn: current_event(conn, person))
    if current != event_id:
        return ctx.t("ask.queued", count=count, prefix=prefix, id=event_id)
    sent = await ask_current(ctx, intro=True)
    if sent is False:
        return ctx.t("ask.unreachable", count=count, prefix=prefix, id=event_id)
    return ctx.t("ask.sent", count=count)


@plugin.command("event questions", aliases=["活动 问题"], permission=Level.ADMIN, group_only=True)
async def event_questions(ctx: Context, event_id: int, *, questions: str = "") -> None:
    event = await event_here(ctx, event_id)
    if event is None:
        return
    prefix = ctx.app.settings.commands.prefixes[0]
    if not questions.strip():
        asked = await ctx.app.db.read(lambda conn: questions_of(conn, event_id))
        listed = " · ".join(f"{q.position}. {label(ctx, q)}" for q in asked)
        key = "questions.show" if asked else "questions.none"
        await ctx.reply(ctx.t(key, id=event_id, questions=listed, prefix=prefix))
        return
    try:
        parsed = parse_questions(_raw_rest(ctx.text, event_id) or questions)
    except QuestionError as error:
        await ctx.reply(ctx.t(error.key, prefix=prefix, id=event_id, **error.values))
        return
    changed = await ctx.app.db.write(lambda conn: set_questions(conn, event_id, parsed), "events")
    if not changed:
        await ctx.reply(ctx.t("questions.locked", id=event_id))
    elif parsed:
        listed = " · ".join(
            f"{n}. {ctx.t(f'ask.label_{q.kind}') if q.kind != 'text' else q.label}"
            for n, q in enumerate(parsed, 1)
        )
        await ctx.reply(ctx.t("questions.set", id=event_id, questions=listed))
    else:
        await ctx.reply(ctx.t("questions.cleared", id=event_id))


@plugin.command("event form", aliases=["活动 填写"])
async def event_form(ctx: Context, event_id: int) -> None:
    """Ask the pending questions again (e.g. when the private message could not be sent)."""
    event = await event_here(ctx, event_id)
    if event is None:
        return
    person, now = ctx.person, ctx.app.clock.now().timestamp()
    mine = [
        r
        for r in await ctx.app.db.read(lambda conn: signups(conn, event_id))
        if r.person == person and r.status in ("going", "waiting")
    ]
    if not mine or event.state != "open":
        await ctx.reply(ctx.t("form.not_signed", id=event_id))
        return
    state = await ctx.app.db.read(lambda conn: progress(conn, event_id, person))
    if state is None or state.next is None:
        await ctx.reply(ctx.t("form.complete", id=event_id))
        return
    await ctx.app.db.write(lambda conn: queue(conn, event_id, person, now), "events")
    if await ask_current(ctx, intro=True) is False:
        await ctx.reply(ctx.t("private.failed", name=ctx.user.display_name))
    elif ctx.scene is not None and not ctx.scene.is_private:
        await ctx.reply(ctx.t("private.sent", name=ctx.user.display_name))


@plugin.on(MessageEvent)
async def private_answer(ctx: Context) -> None:
    """A private message (not a command) from someone being asked answers their next
    question."""
    scene = ctx.scene
    if ctx.command is not None or scene is None or not scene.is_private:
        return
    text = ctx.text
    if not text.strip() or text.lstrip().startswith(tuple(ctx.app.settings.commands.prefixes)):
        return
    person, now = ctx.person, ctx.app.clock.now().timestamp()
    event_id = await ctx.app.db.read(lambda conn: current_event(conn, person))
    if event_id is None:
        return
    state = await ctx.app.db.read(lambda conn: progress(conn, event_id, person))
    if state is None or state.next is None:
        return
    question = state.next
    try:
        answer = check_answer(question.kind, text)
    except QuestionError as error:
        again = _question_line(ctx, state, question)
        await ctx.reply(ctx.t(error.key, **error.values) + "\n" + again)
        return
    position = question.position
    stored = await ctx.app.db.write(
        lambda conn: record(conn, event_id, person, position, answer, now), "events"
    )
    lines = [] if stored else [ctx.t("answer.repeat", number=position)]
    after = await ctx.app.db.read(lambda conn: progress(conn, event_id, person))
    if after is not None and after.next is not None:
        lines.append(_question_line(ctx, after, after.next))
        await ctx.reply("\n".join(lines))
        return
    if stored:
        lines.append(ctx.t("answer.done", id=event_id, title=state.event.title))
    await ctx.reply("\n".join(lines))
    if stored:
        await ask_current(ctx, intro=True)  # the next event waiting for answers, if any


def answer_lines(ctx: Context, event: EventRow, rows: list[tuple[str, str, list[str]]]) -> str:
    """``/event answers``: a header, then one line per sign-up."""
    lines = [ctx.t("answers.header", id=event.id, title=event.title, count=len(rows))]
    for name, status, answers in rows[:MAX_LISTED]:
        shown = ctx.t(f"answers.status_{status}")
        lines.append(ctx.t("answers.line", name=name, status=shown, answers=" · ".join(answers)))
    if len(rows) > MAX_LISTED:
        lines.append(ctx.t("answers.more", count=len(rows) - MAX_LISTED, id=event.id))
    return "\n".join(lines)


@plugin.command("event answers", aliases=["活动 回答"])
async def event_answers(ctx: Context, event_id: int) -> None:
    event = await organised_event(ctx, event_id)
    if event is None:
        return
    table = await ctx.app.db.read(lambda conn: answer_table(conn, event_id))
    if not table.questions:
        await ctx.reply(ctx.t("questions.none", id=event_id, questions="",
                              prefix=ctx.app.settings.commands.prefixes[0]))  # fmt: skip
        return
    rows = []
    for row in table.rows:
        given = [
            f"{label(ctx, q)}: {row.answers[q.position]}"
            for q in table.questions
            if q.position in row.answers
        ]
        if len(given) < len(table.questions):
            given.append(ctx.t("answers.pending", done=len(given), total=len(table.questions)))
        rows.append((row.name, row.status, given))
    await tell_privately(ctx, answer_lines(ctx, event, rows))
