"""Sign-up questions: asked in private one by one, validated, stored once, shown only to
organisers in private, exported, dropped on cancel, deleted when a member is forgotten,
and never logged."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plugins.events import cli as events_cli
from plugins.events.questions import QuestionError, check_answer, clean, parse_questions
from shequn import Scene, User
from shequn.internal import forget as forgetting
from shequn.testing.pytest_plugin import MakeBot

from .common import CREATE, group_texts, new_bot, private_to, rows

PHONE = "+86 138-0013-8000"


async def test_questions_are_asked_in_private_and_shown_to_organisers_only(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    assert "admin" in await bot.say("/event questions 1 name", user="alice")
    set_reply = await bot.say('/event questions 1 name phone "T-shirt size"', user="admin")
    assert set_reply == (
        "Event #1 will ask at sign-up, in private: 1. Your name (as on the guest list) · "
        "2. Your phone number (digits, + and - allowed) · 3. T-shirt size"
    )
    before = len(bot.sent)
    joined = await bot.say("/event join 1", user="alice")
    assert joined.endswith(
        "✅ alice, you have a seat at “Book club” (#1).\n"
        "I sent you 3 question(s) in private; your seat is kept while you answer."
    )
    asked = private_to(bot, "alice", before)
    assert len(asked) == 1 and asked[0].startswith("📝 Event #1 “Book club” asks 3 question(s).")
    assert asked[0].endswith("Question 1/3: Your name (as on the guest list)")
    assert await bot.say("Alice  Liu\u200b", user="alice", group=None) == (
        "Question 2/3: Your phone number (digits, + and - allowed)"
    )
    bad = await bot.say("call me maybe", user="alice", group=None)
    assert bad.startswith("That is not a phone number")
    assert bad.endswith("Question 2/3: Your phone number (digits, + and - allowed)")
    assert await bot.say(PHONE, user="alice", group=None) == "Question 3/3: T-shirt size"
    done = await bot.say("L", user="alice", group=None)
    assert (
        done
        == "✅ Thank you, all your answers for #1 “Book club” are in: your sign-up is complete."
    )
    assert await bot.say("hello again", user="alice", group=None) == ""  # nothing pending
    await bot.say("/event join 1", user="bob")  # bob answers nothing yet
    assert (
        await bot.say("/event answers 1", user="alice")
        == "Only the organisers of event #1 may do this."
    )
    before = len(bot.sent)
    assert (await bot.say("/event answers 1", user="admin")).endswith(
        "\nadmin, I sent it to you in private."
    )
    assert private_to(bot, "admin", before) == [
        "Answers for #1 “Book club” (2 sign-ups):\n"
        f"• alice (going): Your name (as on the guest list): Alice Liu · Your phone number "
        f"(digits, + and - allowed): {PHONE} · T-shirt size: L\n"
        "• bob (going): pending (0/3 answered)"
    ]
    assert PHONE not in group_texts(bot) and "Alice Liu" not in group_texts(bot)
    assert PHONE not in caplog.text and "Alice Liu" not in caplog.text
    assert "locked" not in await bot.say("/event questions 1", user="admin")
    assert "can no longer change" in await bot.say("/event questions 1 none", user="admin")


async def test_repeated_and_redelivered_answers_store_one_row(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event questions 1 name | 手机", user="admin")
    await bot.say("/event join 1", user="alice")
    same = bot.message("Alice", user="alice", group=None)
    distinct = [bot.message("Alice", user="alice", group=None) for _ in range(4)]
    await asyncio.gather(*(bot.deliver(e) for e in [same, same, same, *distinct]))
    stored = await rows(bot, "events_answer")
    assert [(r[2], r[3]) for r in stored] == [(1, "Alice")]
    phone = bot.message(PHONE, user="alice", group=None)
    more = [bot.message(PHONE, user="alice", group=None) for _ in range(3)]
    before = len(bot.sent)
    await asyncio.gather(*(bot.deliver(e) for e in [phone, phone, *more]))
    replies = private_to(bot, "alice", before)
    stored = await rows(bot, "events_answer")
    assert sorted((r[2], r[3]) for r in stored) == [(1, "Alice"), (2, PHONE)]
    assert sum("sign-up is complete" in r for r in replies) == 1
    assert await rows(bot, "events_asking") == []


async def test_cancel_drops_answers_and_the_next_event_is_asked_after(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event create 03-11 19:00 | Walk | Park | 5", user="admin")
    await bot.say("/event questions 1 name", user="admin")
    await bot.say("/event questions 2 phone", user="admin")
    await bot.say("/event join 1", user="alice")
    queued = await bot.say("/event join 2", user="alice")
    assert "once you have answered those of your other event" in queued
    before = len(bot.sent)
    await bot.say("Alice", user="alice", group=None)
    assert private_to(bot, "alice", before)[-1].endswith(
        "Question 1/1: Your phone number (digits, + and - allowed)"
    )
    await bot.say("13800138000", user="alice", group=None)
    assert len(await rows(bot, "events_answer")) == 2
    assert "cancelled" in await bot.say("/event cancel 2", user="alice")
    assert [r[0] for r in await rows(bot, "events_answer")] == [1]
    assert "(or it is over)" in await bot.say("/event form 2", user="alice", group=None)
    assert "answered every question" in await bot.say("/event form 1", user="alice", group=None)


async def test_forgetting_a_member_deletes_their_answers(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, superusers=["test:root"])
    await bot.say(CREATE, user="admin")
    await bot.say("/event questions 1 name | phone | note", user="admin")
    await bot.say("/event join 1", user="alice")
    await bot.say("/event join 1", user="bob")
    await bot.say("Alice", user="alice", group=None)  # alice is still being asked
    await bot.say("Bob", user="bob", group=None)
    assert "Forgot test:alice" in await bot.say("/forget @alice confirm", user="root")
    assert [(r[1], r[3]) for r in await rows(bot, "events_answer")] == [(bot.person("bob"), "Bob")]
    assert [r[0] for r in await rows(bot, "events_asking")] == [bot.person("bob")]
    now = bot.clock.now().timestamp()
    done = await bot.app.db.write(lambda c: forgetting.forget(c, "test:bob", now), "forget")
    assert done.deleted >= 2 and await rows(bot, "events_answer") == []


async def test_the_cli_export_lists_answers_as_csv(make_bot: MakeBot, tmp_path: Path) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event questions 1 name | phone", user="admin")
    await bot.say("/event join 1", user="alice")
    await bot.say("/event join 1", user="bob")
    await bot.say("=HYPERLINK(1)", user="alice", group=None)
    await bot.say(PHONE, user="alice", group=None)
    config = tmp_path / "shequn.toml"
    config.write_text(f'[database]\nurl = "{bot.settings.database.url}"\n', "utf-8")
    args = ["--config", str(config), "--answers", "1"]
    done = await asyncio.to_thread(CliRunner().invoke, events_cli.app, args)
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [
        "name,status,complete,name,phone",
        f"alice,going,yes,'=HYPERLINK(1),'{PHONE}",
        "bob,going,no,,",
    ]


def refuse(user: User) -> Scene:
    """A platform where the bot may not start private chats (Telegram, QQ strangers)."""
    raise RuntimeError(f"Forbidden: bot can't initiate conversation with {user.id}")


async def test_private_message_failure_and_closed_events(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event questions 1 name", user="admin")
    bot.platform.private_scene = refuse  # type: ignore[method-assign]
    joined = await bot.say("/event join 1", user="alice")
    assert "I could not write to you in private: send me /event form 1" in joined
    assert "could not write to you" in await bot.say("/event answers 1", user="admin")
    await bot.advance(timedelta(hours=13))  # closed: nobody is asked any more
    assert await rows(bot, "events_asking") == []
    assert await bot.say("Alice", user="alice", group=None) == ""


def test_phone_numbers_and_odd_answers() -> None:
    for good in (
        "13800138000",
        "+86 138 0013 8000",
        "010-1234-5678",
        "１３８００１３８０００",
        "123456",
    ):
        assert check_answer("phone", good)
    for bad in ("12345", "1" * 21, "phone: 123456", "+", "--123456", "12+3456", "١٢٣٤٥٦٧", ""):
        with pytest.raises(QuestionError):
            check_answer("phone", bad)
    assert clean("a\u202eb\u0000c\u200d  d\n e") == "abc d e"
    assert check_answer("text", "x" * 500) == "x" * 500
    for huge in ("x" * 501, " " * 6000 + "x"):
        with pytest.raises(QuestionError) as error:
            check_answer("text", huge)
        assert error.value.key == "answer.too_long"
    with pytest.raises(QuestionError):
        check_answer("name", "\u200b\u200b ")
    assert check_answer("text", "🧧 红包 😀") == "🧧 红包 😀"


def test_question_lists() -> None:
    assert [(q.kind, q.label) for q in parse_questions('name 手机 "T-shirt size"')] == [
        ("name", "name"), ("phone", "手机"), ("text", "T-shirt size")
    ]  # fmt: skip
    assert [q.kind for q in parse_questions("姓名｜电话｜饮食禁忌")] == ["name", "phone", "text"]
    assert [q.label for q in parse_questions("“T-shirt size” Diet")] == ["T-shirt size", "Diet"]
    assert parse_questions("none") == [] and parse_questions("无") == []
    cases = [
        ('"open', "questions.usage"),
        ("| |", "questions.usage"),
        ("a " * 11, "questions.too_many"),
        ("x" * 101, "questions.too_long"),
    ]
    for bad, key in cases:
        with pytest.raises(QuestionError) as error:
            parse_questions(bad)
        assert error.value.key == key
