"""A zh-CN group reads validation errors, ledger reasons and /stats in Chinese; English
plurals agree with their numbers."""

from __future__ import annotations

from datetime import UTC, datetime

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from plugins.stats import plugin as stats_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


async def new_bot(make_bot: MakeBot, locale: str) -> Harness:
    bot = await make_bot(signin_plugin, points_plugin, stats_plugin, start=START)
    bot.make_admin("admin")
    await bot.say(f"/config core locale {locale}", user="admin")
    return bot


async def test_config_validation_error_is_in_chinese(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, "zh-CN")
    answer = await bot.say("/config signin points abc", user="admin")
    assert "需要一个整数" in answer
    assert "valid integer" not in answer
    answer = await bot.say("/config signin points -3", user="admin")
    assert "不能小于 0" in answer


async def test_config_validation_error_in_english(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, "en")
    answer = await bot.say("/config signin points abc", user="admin")
    assert answer == "“abc” is not valid for points: a whole number is expected"


async def test_ledger_reason_is_rendered_in_the_readers_language(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, "zh-CN")
    await bot.say("/signin", user="amy")
    history = await bot.say("/points history", user="amy")
    assert "2025-03-10 签到（连续 1 天）" in history
    assert "streak" not in history
    await bot.say("/config core locale en", user="admin")
    history = await bot.say("/points history", user="amy")
    assert "sign-in of 2025-03-10 (1-day streak)" in history


async def test_stats_shows_titles_and_plurals(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, "zh-CN")
    answer = await bot.say("/stats", user="amy")
    assert "社群数据 1 人（1 次）" in answer
    en = await new_bot(make_bot, "en")
    answer = await en.say("/stats", user="amy")
    assert "Community stats: 1 person (1 use)" in answer
