"""The quiz plugin: timed rounds on the simulated clock, exactly-once scoring, imports."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, func, select
from typer.testing import CliRunner

from plugins.quiz import QuizConfig
from plugins.quiz import plugin as quiz_plugin
from plugins.quiz.bank import parse
from plugins.quiz.cli import app as quiz_cli
from plugins.quiz.models import QuizAnswer, QuizQuestion, QuizScore
from plugins.quiz.normalise import normalise, truth_of
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
SCORES = QuizScore.__table__  # type: ignore[attr-defined]
ANSWERS = QuizAnswer.__table__  # type: ignore[attr-defined]

BANK = """\
- type: text
  question: What is the capital of Japan?
  answer: [Tokyo, 东京]
  category: cities
  hint: It was once called Edo.
  explanation: Tokyo has been the capital since 1868.
- type: text
  question: How much is two plus two?
  answer: ["4", four]
  category: cities
  explanation: Simple arithmetic.
- type: choice
  question: Which one is a fruit?
  options: [Carrot, Apple, Potato]
  answer: B
  category: pick
  explanation: Apples grow on trees.
- type: truefalse
  question: Ice is frozen water.
  answer: true
  category: truth
- type: text
  question: How much is one plus one?
  answer: ["2"]
  category: sum
"""


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    defaults = {"quiz": {"time_limit": 30, "hint_after": 10, "prizes": [30, 20, 10]}}
    options.setdefault("plugin_defaults", defaults)
    bot = await make_bot(quiz_plugin, **options)
    bot.make_admin("admin")
    reply = await bot.say("/quiz import yaml\n" + BANK, user="admin")
    assert reply.startswith("Imported 5 new question(s)"), reply
    return bot


async def count(bot: Harness, table: object) -> int:
    def read(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]

    return await bot.app.db.read(read)


async def ledger_entries(bot: Harness, user: str) -> int:
    return len(await bot.app.ledger.history(bot.person(user), bot.community(), 1000))


def choice_data(bot: Harness, number: str) -> str:
    scene = bot.platform.group(bot.group).scene.key
    button = bot.app.choices.resolve(scene, number, bot.clock.now().timestamp())
    assert button is not None
    return button.data


# -- answers are compared loosely -------------------------------------------------------------


def test_normalise_folds_width_case_spaces_and_punctuation() -> None:
    assert normalise("Ｔｏｋｙｏ！") == normalise(" t o k y o ") == "tokyo"
    assert normalise("东京。") == normalise("东 京") == "东京"
    assert normalise("C++") != normalise("C")
    assert truth_of("√") is True and truth_of("错") is False and truth_of("maybe") is None


# -- a timed round ----------------------------------------------------------------------------


async def test_timed_round_hint_timeout_reveal_and_prizes(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config quiz min_players 1", user="admin")  # bob plays alone here
    started = await bot.say("/quiz start cities 2")
    assert "Quiz time! 2 question(s), 30 seconds each" in started
    assert "Question 1/2" in started
    first_is_tokyo = "capital of Japan" in started
    assert await bot.advance(9 * SECOND) == ""
    hint = await bot.advance(SECOND)
    assert hint == ("💡 Hint: It was once called Edo." if first_is_tokyo else "")
    assert await bot.say("Osaka", user="bob") == ""  # a wrong typed answer is just chat
    revealed = await bot.advance(20 * SECOND)
    assert revealed.startswith("⏰ Time is up!\nThe answer: ")
    assert ("Tokyo" if first_is_tokyo else "4") in revealed
    assert "Question 2/2" in revealed
    answer = "ＦＯＵＲ！" if first_is_tokyo else " 东 京 。"
    final = await bot.say(answer, user="bob")
    assert "✅ bob got it first! +5 point(s)." in final
    assert "🏁 The round is over." in final
    assert "1. bob: 1 correct, 5 point(s) + prize 30" in final
    assert await bot.balance("bob") == 35
    # The answered question's timeout was cancelled; its hint never comes; nothing repeats.
    assert await bot.advance(60 * SECOND) == ""
    assert "No quiz round is running" in await bot.say("/quiz")
    assert "1. bob: 1 correct, 5 point(s)" in await bot.say("/quiz rank")


async def test_two_correct_answers_at_once_score_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/quiz start sum 1")
    events = [bot.message("２", user=f"m{i}") for i in range(20)]
    before = len(bot.sent)
    await asyncio.gather(*(bot.deliver(e) for e in events))
    winners = [s.text for s in bot.sent[before:] if "got it first" in s.text]
    assert len(winners) == 1
    assert await count(bot, SCORES) == 1
    total = sum([await bot.balance(f"m{i}") for i in range(20)])
    assert total == 5 + 30  # one correct answer, one first prize
    # A redelivered winning message changes nothing.
    assert await bot.deliver(events[0]) == []


async def test_double_clicked_button_answers_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    asked = await bot.say("/quiz start pick 1")
    assert "1. A. Carrot\n2. B. Apple\n3. C. Potato" in asked  # buttons as numbered choices
    data = choice_data(bot, "1")  # the button behind "1. A. Carrot"
    before = len(bot.sent)
    await asyncio.gather(bot.press(data, user="bob"), bot.press(data, user="bob"))
    assert sorted(s.text for s in bot.sent[before:]) == [
        "bob, you already answered this question.",
        "❌ bob, that is not it.",
    ]
    assert "already answered" in await bot.say("2", user="bob")  # one try, even by number
    assert await count(bot, ANSWERS) == 1
    won = await bot.say("2", user="carol")  # the numbered reply stands for "B. Apple"
    assert "✅ carol got it first!" in won and "The answer: B. Apple" in won
    assert "Apples grow on trees." in won
    assert await bot.press(data, user="dave") == "dave, this question is closed."


async def test_true_false_by_word_and_numbers_are_plain_text_after_close(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/quiz start truth 1")
    assert "carol got it first" in await bot.say("对", user="carol")
    # The next round asks "1 + 1": "2" must be an answer now, not the old button number 2.
    asked = await bot.say("/quiz start sum 1")
    assert "one plus one" in asked
    assert "bob got it first" in await bot.say("2", user="bob")


async def test_stop_pays_no_prizes_and_later_timeouts_do_nothing(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/quiz start cities 2")
    assert "already running" in await bot.say("/quiz start")
    stopped = await bot.say("/quiz stop", user="bob")
    assert "The round was stopped" in stopped and "Nobody scored" in stopped
    assert await bot.advance(120 * SECOND) == ""
    assert "No quiz round is running" in await bot.say("/quiz stop")


async def test_admins_only_setting(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    saved = await bot.say("/config quiz start_permission admin", user="admin")
    assert saved == "quiz.start_permission is now 'admin' in this group."
    assert "Only admins" in await bot.say("/quiz start", user="bob")
    assert "Question 1/" in await bot.say("/quiz start", user="admin")


async def test_round_survives_a_restart(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, database="shared.db")
    await bot.say("/quiz start sum 1")
    await bot.close()
    later = await make_bot(
        quiz_plugin, database="shared.db", start=START + 5 * timedelta(minutes=1)
    )
    revealed = [s.text for s in later.sent]
    assert len([t for t in revealed if t.startswith("⏰ Time is up!")]) == 1
    assert any("🏁 The round is over." in t for t in revealed)
    assert await later.advance(timedelta(hours=1)) == ""


async def test_unknown_category_and_bad_count(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "No questions in the category “nope”" in await bot.say("/quiz start nope")
    assert "between 1 and 20" in await bot.say("/quiz start 500")
    assert "cities (2)" in await bot.say("/quiz categories")


async def test_starter_banks_ship_in_both_languages(make_bot: MakeBot) -> None:
    bot = await make_bot(quiz_plugin, start=START)

    def langs(conn: Connection) -> dict[str, int]:
        table = QuizQuestion.__table__  # type: ignore[attr-defined]
        rows = conn.execute(select(table.c.lang, func.count()).group_by(table.c.lang))
        return {r[0]: int(r[1]) for r in rows}

    assert (await bot.app.db.read(langs)) == {"en": 15, "zh-CN": 15}
    bot.make_admin("admin")
    await bot.say("/config core locale zh-CN", user="admin")
    asked = await bot.say("开始答题 地理 1")
    assert "🧠 答题开始！共 1 题" in asked and "第 1/1 题 · 地理" in asked
    assert "⏰ 时间到！" in await bot.advance(timedelta(minutes=1))


# -- banks ------------------------------------------------------------------------------------


def test_bad_lines_are_reported_with_their_line() -> None:
    csv_text = (
        "type,question,answer,options,category\n"
        "text,Capital of Italy?,Rome|Roma,,cities\n"
        "choice,Pick one,Z,a|b,misc\n"
        "bogus,What?,x,,misc\n"
        "truefalse,Fire is cold,false,,misc\n"
    )
    parsed = parse(csv_text, "csv")
    assert [line for line, _ in parsed.questions] == [2, 5]
    assert [line for line, _ in parsed.errors] == [3, 4]
    assert "not one of the options" in parsed.errors[0][1]
    json_text = '[\n {"question": "A?", "answer": "a"},\n {"question": "",\n  "answer": "b"}\n]'
    parsed = parse(json_text, "json")
    assert [line for line, _ in parsed.questions] == [2]
    assert parsed.errors[0][0] == 3
    yaml_text = "- question: A?\n  answer: a\n- question: B?\n- 7\n"
    parsed = parse(yaml_text, "yaml")
    assert [line for line, _ in parsed.errors] == [3, 4]
    assert parse("[1, 2", "json").errors
    assert parse("a: [", "yaml").errors[0][1].startswith("invalid YAML")


async def test_chat_import_is_for_admins_and_reports_lines(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "admin" in await bot.say("/quiz import csv\nquestion,answer\nA?,a", user="bob")
    reply = await bot.say("/quiz import csv\nquestion,answer\nNew?,yes\n,no", user="admin")
    assert reply == (
        "Imported 1 new question(s); 0 already in the bank; 1 rejected.\n"
        "line 3: question: String should have at least 1 character"
    )
    assert "Paste the questions" in await bot.say("/quiz import", user="admin")


def test_cli_import_reports_bad_lines_and_skips_known_questions(
    database_env: Path, tmp_path: Path
) -> None:
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "type,question,answer,options,category\n"
        "text,Capital of Italy?,Rome,,cities\n"
        "choice,Pick one,Z,a|b,misc\n"
        "truefalse,Fire is cold,false,,misc\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(quiz_cli, ["import", str(bank)])
    assert result.exit_code == 1, result.output
    assert "bank.csv:3: answer 'Z' is not one of the options (A-B)" in result.output
    assert "Imported 2 new question(s); 0 already in the bank; 1 rejected." in result.output
    again = runner.invoke(quiz_cli, ["import", str(bank), "--lang", "en"])
    assert "Imported 0 new question(s); 2 already in the bank; 1 rejected." in again.output
    missing = runner.invoke(quiz_cli, ["import", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2


def test_shequn_command_mounts_quiz_import(database_env: Path, tmp_path: Path) -> None:
    bank = tmp_path / "bank.json"
    bank.write_text('[{"question": "Q?", "answer": "A", "category": "x"}]', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "shequn.cli", "quiz", "import", str(bank)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 1 new question(s)" in done.stdout


def test_config_reads_prizes_as_text() -> None:
    assert QuizConfig.model_validate({"prizes": "50，20"}).prizes == [50, 20]
