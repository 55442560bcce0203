"""Jobs and answers re-read their subject before they act or speak: a title revoked before
its end is not announced as ended, a title granted again with another end is announced once,
at the end that holds; a changed poll vote is accepted and answered as a change. Through the
harness with the simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plugins.polls import plugin as polls_plugin
from plugins.titles import plugin as titles_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def titles_bot(make_bot: MakeBot) -> Harness:
    bot = await make_bot(titles_plugin, start=START)
    bot.make_admin("admin")
    return bot


async def test_a_revoked_title_ends_in_silence(make_bot: MakeBot) -> None:
    bot = await titles_bot(make_bot)
    await bot.say("/title @bob Helper 2", user="admin")
    assert "no longer holds: Helper" in await bot.say("/untitle @bob", user="admin")
    assert await bot.advance(3 * DAY) == ""
    assert await bot.say("/titles @bob") == "bob holds no title."


async def test_a_title_granted_again_ends_once_at_its_new_end(make_bot: MakeBot) -> None:
    bot = await titles_bot(make_bot)
    await bot.say("/title @bob Helper 3", user="admin")
    await bot.say("/title @bob Helper 1", user="admin")  # shortened
    assert await bot.advance(DAY) == "bob's title “Helper” has ended."
    assert await bot.advance(3 * DAY) == ""  # the first grant's end: no second notice


async def test_a_single_choice_vote_can_be_changed(make_bot: MakeBot) -> None:
    bot = await make_bot(polls_plugin, start=START)
    await bot.say('/poll "Where?" Park Café --for 1h')
    assert await bot.press("poll:1:0", user="bob") == "✅ bob voted for “Park”."
    assert await bot.press("poll:1:0", user="bob") == "bob, you already voted for that."
    assert await bot.press("poll:1:1", user="bob") == "🔄 bob changed their vote to “Café”."
    assert await bot.say("/poll vote 1 1", user="bob") == "🔄 bob changed their vote to “Park”."
    closed = await bot.advance(timedelta(hours=1))
    assert "1. Park" in closed and "(1)" in closed and "Voters: 1" in closed


async def test_a_changed_vote_in_chinese(make_bot: MakeBot) -> None:
    bot = await make_bot(polls_plugin, start=START)
    bot.make_admin("admin")
    await bot.say("/config core locale zh-CN", user="admin")
    await bot.say('/poll "去哪？" 公园 咖啡馆')
    assert await bot.press("poll:1:1", user="bob") == "✅ bob 投给了“咖啡馆”。"
    assert await bot.press("poll:1:1", user="bob") == "bob，你已经投过这一项了。"
    assert await bot.press("poll:1:0", user="bob") == "🔄 bob 改投了“公园”。"
