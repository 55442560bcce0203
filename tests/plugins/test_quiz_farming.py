"""Quiz farming: prizes need enough players, a member's quiz points stop at a daily cap, and
questions do not repeat in a group until its bank is used up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.quiz import plugin as quiz_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai

BANK = """\
- type: text
  question: How much is one plus one?
  answer: ["2"]
  category: sum
- type: choice
  question: Which one is a fruit?
  options: [Carrot, Apple, Potato]
  answer: B
  category: pick
- type: text
  question: Capital of Japan?
  answer: [Tokyo]
  category: cities
- type: text
  question: Capital of Italy?
  answer: [Rome]
  category: cities
- type: text
  question: Capital of France?
  answer: [Paris]
  category: cities
"""
CAPITALS = {"Japan": "Tokyo", "Italy": "Rome", "France": "Paris"}


async def new_bot(make_bot: MakeBot, locale: str = "en", **options: object) -> Harness:
    bot = await make_bot(quiz_plugin, start=START, **options)
    bot.make_admin("admin")
    if locale != "en":
        await bot.say(f"/config core locale {locale}", user="admin")
    reply = await bot.say("/quiz import yaml\n" + BANK, user="admin")
    assert "5" in reply, reply
    return bot


async def pick_round(bot: Harness, *, wrong: str | None, right: str) -> str:
    """A one-question round of "Which one is a fruit?": ``wrong`` answers 1 (Carrot), then
    ``right`` answers 2 (Apple); what the bot said after the right answer."""
    asked = await bot.say("/quiz start pick 1")
    assert "fruit" in asked
    if wrong is not None:
        await bot.say("1", user=wrong)
    return await bot.say("2", user=right)


@pytest.mark.parametrize(
    ("locale", "why"),
    [
        ("en", "No prizes this time: prizes need at least 2 players, and 1 took part."),
        ("zh-CN", "本轮不发奖：至少需要 2 人参与才有奖励，本轮只有 1 人。"),
    ],
)
async def test_one_member_alone_wins_no_prizes(make_bot: MakeBot, locale: str, why: str) -> None:
    bot = await new_bot(make_bot, locale)
    for _ in range(2):
        final = await bot.say("/quiz start sum 1") and await bot.say("2", user="bob")
        assert final.count(why) == 1, final
        assert "30" not in final
    assert await bot.balance("bob") == 2 * 5  # the question points only, no prize


async def test_two_players_are_paid_their_prizes(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    final = await pick_round(bot, wrong="bob", right="carol")
    assert "1. carol: 1 correct, 5 point(s) + prize 30" in final
    assert "No prizes" not in final
    assert await bot.balance("carol") == 35
    # Typed questions: each of two members scores once; both are players.
    country = capital_in(await bot.say("/quiz start cities 2"))
    following = await bot.say(CAPITALS[country], user="dora")
    final = await bot.say(CAPITALS[capital_in(following)], user="erin")
    assert "+ prize 30" in final and "+ prize 20" in final
    assert await bot.balance("dora") + await bot.balance("erin") == 5 + 5 + 30 + 20


async def test_the_daily_cap_stops_quiz_points_until_the_next_day(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config quiz daily_prize_cap 38", user="admin")
    await pick_round(bot, wrong="bob", right="carol")
    assert await bot.balance("carol") == 35
    final = await pick_round(bot, wrong="bob", right="carol")
    assert "+3 point(s)" in final
    assert "carol has reached today's quiz limit of 38 points" in final
    assert "prize" not in final
    assert await bot.balance("carol") == 38
    # A redelivered winning answer pays nothing more.
    await bot.say("/quiz start pick 1")
    await bot.say("1", user="bob")
    winning = bot.message("2", user="carol")
    await bot.deliver(winning)
    await bot.deliver(winning)
    assert await bot.balance("carol") == 38
    await bot.advance(timedelta(days=1))
    await pick_round(bot, wrong="bob", right="carol")
    assert await bot.balance("carol") == 38 + 35


def capital_in(text: str) -> str:
    (country,) = [c for c in CAPITALS if f"Capital of {c}?" in text]
    return country


async def test_questions_do_not_repeat_until_the_bank_is_used_up(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, database="shared.db")
    asked: list[str] = []
    for _ in range(2):
        country = capital_in(await bot.say("/quiz start cities 1"))
        asked.append(country)
        await bot.say(CAPITALS[country], user="bob")
    # A restart (a new process on the same database) remembers what was asked.
    await bot.close()
    again = await make_bot(quiz_plugin, start=START, database="shared.db")
    country = capital_in(await again.say("/quiz start cities 1"))
    asked.append(country)
    await again.say(CAPITALS[country], user="bob")
    assert sorted(asked) == sorted(CAPITALS)  # each once: the bank is used up
    # The cycle starts again, and again no question comes twice before the others.
    cycle = []
    for _ in range(3):
        country = capital_in(await again.say("/quiz start cities 1"))
        cycle.append(country)
        await again.say(CAPITALS[country], user="bob")
    assert sorted(cycle) == sorted(CAPITALS)
    # Another group has its own cycle.
    other = capital_in(await again.say("/quiz start cities 3", group="other"))
    assert other in CAPITALS
