"""Polls: creation syntax, votes once per person (or per option), numbered replies, text
bars, anonymity, and the deadline job closing once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from plugins.polls import plugin as polls_plugin
from plugins.polls.results import bar
from plugins.polls.spec import SpecError, parse_spec
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(polls_plugin, **options)
    bot.make_admin("admin")
    return bot


def test_spec_reads_quotes_flags_and_durations() -> None:
    spec = parse_spec("“午饭吃什么” 面条 米饭 --multi --for 2h", 10)
    assert (spec.question, spec.options, spec.multiple) == ("午饭吃什么", ["面条", "米饭"], True)
    assert spec.duration == timedelta(hours=2) and spec.anonymous is None
    assert parse_spec('"Q?" a b --匿名 --时长=30m', 10).anonymous is True
    for text, key in [
        ('"Q?" a', "create.too_few"),
        ('"Q?" a A', "create.duplicate"),
        ('"Q?" a b --for soon', "create.bad_duration"),
        ('"Q?" a b --bogus', "create.bad_flag"),
        ("", "create.usage"),
    ]:
        with pytest.raises(SpecError) as error:
            parse_spec(text, 10)
        assert error.value.key == key
    assert bar(1, 4, 8) == "██░░░░░░" and bar(0, 0, 4) == "░░░░"


async def test_single_choice_poll_with_deadline(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    created = await bot.say('/poll "Where do we meet?" Park Café Library --for 2h')
    assert created.startswith("📊 Poll #1 by alice: Where do we meet?\n")
    assert "single choice · votes are shown · closes 2025-03-10 12:00" in created
    assert "1. Park\n2. Café\n3. Library" in created
    assert await bot.say("2", user="bob") == "✅ bob voted for “Café”."
    assert await bot.say("2", user="bob") == "bob, you already voted for that."
    assert await bot.say("1", user="bob") == "🔄 bob changed their vote to “Park”."
    assert await bot.say("2", user="bob") == "🔄 bob changed their vote to “Café”."
    assert await bot.say("/poll vote 1 1", user="carol") == "✅ carol voted for “Park”."
    assert "one choice" in await bot.say("/poll vote 1 1 2", user="dave")
    assert "between 1 and 3" in await bot.say("/poll vote 1 7", user="dave")
    await bot.say("/poll vote 1 2", user="dave")
    results = await bot.say("/poll results 1")
    assert "1. Park  ███░░░░░░░ 33% (1)\n   carol" in results
    assert "2. Café  ███████░░░ 67% (2)\n   bob, dave" in results
    assert "Voters: 3" in results
    assert "#1 Where do we meet? (closes in 2:00:00)" in await bot.say("/poll list")
    closed = await bot.advance(timedelta(hours=2))
    assert closed.startswith("📊 Poll #1: Where do we meet? (closed)")
    assert "poll #1 is closed" in await bot.say("/poll vote 1 3", user="erin")
    assert await bot.advance(timedelta(days=1)) == ""
    assert await bot.say("/poll list") == "No poll is open here."
    assert await bot.say("3", user="erin") == ""  # the old numbers are plain text again


async def test_double_clicked_button_votes_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say('/poll "Pick" A B')
    before = len(bot.sent)
    await asyncio.gather(*(bot.press("poll:1:0", user="bob") for _ in range(10)))
    texts = [s.text for s in bot.sent[before:]]
    assert texts.count("✅ bob voted for “A”.") == 1
    assert texts.count("bob, you already voted for that.") == 9
    assert "Voters: 1" in await bot.say("/poll results 1")


async def test_multiple_choice_counts_each_option_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say('/poll "Which days?" Mon Tue Wed --multi')
    assert await bot.say("/poll vote 1 1 3", user="bob") == "✅ bob voted for “Mon”, “Wed”."
    assert await bot.say("/poll vote 1 3", user="bob") == "bob, you already voted for that."
    await asyncio.gather(*(bot.press("poll:1:1", user="bob") for _ in range(5)))
    results = await bot.say("/poll results 1")
    assert "1. Mon  ██████████ 100% (1)" in results
    assert "2. Tue  ██████████ 100% (1)" in results
    assert "Voters: 1" in results


async def test_anonymous_polls_hide_voters_and_close_rights(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say('/poll "Secret?" yes no --anonymous')
    assert await bot.say("1", user="bob") == "✅ bob, your vote is counted."
    results = await bot.say("/poll results 1")
    assert "bob" not in results and "(1)" in results
    assert "Only the creator" in await bot.say("/poll close 1", user="bob")
    assert "(closed)" in await bot.say("/poll close 1", user="admin")
    assert "already closed" in await bot.say("/poll close 1")
    assert "no poll #5" in await bot.say("/poll results 5")


async def test_settings_per_group(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config polls create_permission admin", user="admin")
    assert "Only admins" in await bot.say('/poll "Q" a b', user="bob")
    await bot.say("/config polls max_duration 1h", user="admin")
    assert "at most 1h" in await bot.say('/poll "Q" a b --for 2h', user="admin")
    assert "not valid" in await bot.say("/config polls default_duration forever", user="admin")
    assert "Poll #1" in await bot.say('/投票 "Q" a b --for 30m', group="other", user="bob")
