"""Hostile question banks (``/quiz import`` and ``shequn quiz import``): refused before they
are built, in bounded memory, off the event loop, with a clear message."""

from __future__ import annotations

import asyncio
import json
import threading
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plugins.quiz import importer, limits
from plugins.quiz import plugin as quiz_plugin
from plugins.quiz.bank import Format, Parsed
from plugins.signin import plugin as signin_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]

# "Billion laughs": nine levels of nine aliases, ~9^9 strings once expanded, in ~500 bytes.
LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "questions:\n- question: *i\n  answer: *i\n"
)
BANK = """\
- question: What is the capital of Japan?
  answer: [Tokyo, 东京]
- type: truefalse
  question: Ice is frozen water.
  answer: true
"""
ALIAS_REFUSED = "That YAML uses an alias (*name, line 2)"
MiB = 1024 * 1024


async def quiz_bot(make_bot: MakeBot, **options: object) -> Harness:
    bot = await make_bot(quiz_plugin, signin_plugin, **options)
    bot.make_admin("admin")
    bot.make_admin("admin", group="hostile")
    return bot


def test_the_hostile_bank_is_small() -> None:
    assert len(LAUGHS.encode()) < 600


async def test_billion_laughs_is_refused_in_bounded_memory(make_bot: MakeBot) -> None:
    bot = await quiz_bot(make_bot)
    tracemalloc.start()
    try:
        reply = await bot.say("/quiz import yaml\n" + LAUGHS, user="admin")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reply.startswith(ALIAS_REFUSED), reply
    assert peak < 5 * MiB, peak  # the expansion would need gigabytes
    # A normal bank still imports, also with an anchor-free mapping wrapping the list.
    reply = await bot.say("/quiz import yaml\n" + BANK, user="admin")
    assert reply.startswith("Imported 2 new question(s); 0 already in the bank; 0 rejected.")


async def test_refusals_are_translated(make_bot: MakeBot) -> None:
    bot = await quiz_bot(make_bot, locale="zh-CN")
    reply = await bot.say("/quiz import yaml\n" + LAUGHS, user="admin")
    assert reply.startswith("该 YAML 使用了别名（*name，第 2 行）"), reply
    deep = "[" * 40_000 + "]" * 40_000
    assert (await bot.say("/quiz import json\n" + deep, user="admin")).startswith("题库嵌套太深")


async def test_deep_json_is_refused_with_a_message(make_bot: MakeBot) -> None:
    bot = await quiz_bot(make_bot)
    deep = "[" * 40_000 + "]" * 40_000  # json.loads would raise RecursionError
    reply = await bot.say("/quiz import json\n" + deep, user="admin")
    assert (
        reply
        == "That bank is nested too deeply (at most 20 levels): a bank is a list of questions."
    )
    wrapped = json.dumps(
        [{"question": "Q?", "answer": [[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]}]
    )
    reply = await bot.say("/quiz import json\n" + wrapped, user="admin")
    assert reply.startswith("That bank is nested too deeply"), reply


async def test_a_bank_being_parsed_holds_up_no_other_group(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await quiz_bot(make_bot)
    parsing, release = threading.Event(), threading.Event()
    real_parse = importer.parse

    def held_parse(text: str, fmt: Format) -> Parsed:
        parsing.set()
        if not release.wait(10):  # the test below failed: do not hang
            raise AssertionError("the parse was never released")
        return real_parse(text, fmt)

    monkeypatch.setattr(importer, "parse", held_parse)
    hostile = asyncio.create_task(
        bot.say("/quiz import yaml\n" + LAUGHS, user="admin", group="hostile")
    )
    await asyncio.sleep(0)
    signed = await asyncio.wait_for(bot.say("/signin", user="bob", group="other"), 10)
    assert parsing.is_set() and not hostile.done()
    assert any(s.scene.id == "other" for s in bot.sent), signed
    release.set()
    assert ALIAS_REFUSED in await asyncio.wait_for(hostile, 10)


async def test_a_parse_that_takes_too_long_is_given_up(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await quiz_bot(make_bot)
    release = threading.Event()

    def slow_parse(text: str, fmt: Format) -> Parsed:
        release.wait(10)
        return Parsed()

    monkeypatch.setattr(importer, "parse", slow_parse)
    monkeypatch.setattr(limits, "PARSE_SECONDS", 0.05)
    try:
        reply = await bot.say("/quiz import yaml\n" + BANK, user="admin")
    finally:
        release.set()
    assert reply == (
        "Reading that bank took longer than 0 seconds and was stopped: split it into smaller files."
    )


# -- the command line ------------------------------------------------------------------------


def cli_import(path: Path) -> tuple[int, str]:
    from plugins.quiz.cli import app as quiz_cli

    result = CliRunner().invoke(quiz_cli, ["import", str(path)])
    return result.exit_code, result.output


def test_cli_refuses_hostile_banks_and_imports_a_normal_one(
    database_env: Path, tmp_path: Path
) -> None:
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(LAUGHS, encoding="utf-8")
    code, output = cli_import(laughs)
    assert code == 1 and f"laughs.yaml: {ALIAS_REFUSED}" in output, output

    huge = tmp_path / "huge.csv"
    huge.write_text("question,answer\n" + "Q?,A\n" * 250_000, encoding="utf-8")
    code, output = cli_import(huge)
    assert code == 1 and "That bank is too large (1250016 bytes; at most 1000000)" in output

    many = tmp_path / "many.json"
    many.write_text("[" + "0," * 60_000 + "0]", encoding="utf-8")
    code, output = cli_import(many)
    assert code == 1 and "too many values (at most 50000)" in output, output

    cells = tmp_path / "cells.csv"
    cells.write_text("question,answer\n" + "Q,A\n" * 30_000, encoding="utf-8")
    code, output = cli_import(cells)
    assert code == 1 and "too many values (at most 50000)" in output, output

    normal = tmp_path / "normal.yaml"
    normal.write_text(BANK, encoding="utf-8")
    code, output = cli_import(normal)
    assert code == 0 and "Imported 2 new question(s)" in output, output
