"""The quote archive: archiving by reply, Chinese full-text search, inert rendering, votes
once per person, removal, and daily/weekly digests exactly once across restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite

from plugins.quotes import plugin as quotes_plugin
from plugins.quotes import search
from plugins.quotes.render import JOINER, inert
from shequn import Mention
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(quotes_plugin, **options)
    bot.make_admin("admin")
    return bot


async def reply(bot: Harness, text: str, to: str, user: str = "alice") -> str:
    """``user`` answers message ``to`` with ``text``."""
    return await bot.say(text, user=user, reply_to=to)


async def archived(bot: Harness, text: str, author: str, message_id: str) -> int:
    await bot.say(text, user=author, event_id=message_id)
    done = await reply(bot, "/quote", message_id)
    assert "📌 Archived as quote #" in done, done
    return int(done.split("#")[1].split(".")[0])


async def test_the_author_of_an_archived_quote_earns_points_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("Talk is cheap.", user="bob", event_id="m1")
    await asyncio.gather(*(reply(bot, "/quote", "m1", user=u) for u in ("alice", "carol", "dan")))
    assert await bot.balance("bob") == 5
    await bot.say("My own words.", user="alice", event_id="m2")
    await reply(bot, "/quote", "m2")  # archiving oneself earns nothing
    assert await bot.balance("alice") == 0


async def test_reply_archives_once_with_author_and_date(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("Simplicity is prerequisite for reliability.", user="bob", event_id="m1")
    done = await reply(bot, "/quote", "m1")
    assert done.startswith("📌 Archived as quote #1.\n")
    assert "#1 “Simplicity is prerequisite for reliability.” — bob, 2025-03-10 · 👍 0" in done
    assert await reply(bot, "收录", "m1", user="carol") == (
        "That message is already archived as quote #1."
    )
    assert "Reply to the message" in await bot.say("/quote")
    assert "not the bot's" in await reply(bot, "/quote", bot.sent[-1].message_id)
    assert "cannot be archived" in await reply(bot, "/quote", "unknown-id")


async def test_chinese_full_text_search(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await archived(bot, "今天天气很好，我们去公园散步吧", "bob", "c1")
    await archived(bot, "天气预报说明天有雨，记得带伞", "carol", "c2")
    await archived(bot, "Readability counts. 可读性很重要", "dave", "c3")
    found = await bot.say("/quote search 天气很好")  # four characters: the trigram index
    assert "Quotes containing “天气很好” (1):" in found and "#1 " in found
    both = await bot.say("/quote search 天气")  # two characters: below a trigram, LIKE
    assert "(2):" in both and "#1 " in both and "#2 " in both
    assert "#2 " in await bot.say("/语录 搜索 天气 带伞")
    assert "#3 " in await bot.say("/quote search READABILITY")
    assert "#3 " in await bot.say("/quote search 可读性")
    assert await bot.say("/quote search 下雪") == "No quote contains “下雪”."
    assert "No quote contains" in await bot.say('/quote search %% "_"')
    assert "Usage" in await bot.say("/quote search")


async def test_search_uses_fts5_on_sqlite_and_ilike_on_postgresql(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    if bot.app.db.dialect == "sqlite":
        sql = str(search.matching(bot.app, ["天气很", "雨"]).compile(dialect=sqlite.dialect()))
        assert "quotes_fts MATCH" in sql and "LIKE" in sql
    else:
        sql = str(search.matching(bot.app, ["天气很"]).compile(dialect=postgresql.dialect()))
        assert "ILIKE" in sql


async def test_quotes_are_inert(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await archived(bot, "@everyone look [CQ:at,qq=all] <@123> ＠here", "bob", "x1")
    shown = await bot.say("/quote show 1")
    assert f"@{JOINER}everyone" in shown and f"[{JOINER}CQ:at" in shown
    assert f"<@{JOINER}123>" in shown and f"＠{JOINER}here" in shown
    assert not any(isinstance(s, Mention) for s in bot.sent[-1].message)
    assert inert("a\x00b\u202ec") == "abc"


async def test_double_clicked_vote_counts_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await archived(bot, "Talk is cheap. Show me the code.", "bob", "v1")
    before = len(bot.sent)
    await asyncio.gather(*(bot.press("quotes:up:1", user="carol") for _ in range(5)))
    texts = sorted(s.text for s in bot.sent[before:])
    assert texts.count("👍 carol voted for quote #1.") == 1
    assert texts.count("carol, you already voted for quote #1.") == 4
    assert "already voted" in await bot.say("/quote up 1", user="carol")
    assert "cannot vote for your own" in await bot.say("/quote up 1", user="bob")
    assert "👍 dave voted" in await bot.say("/quote up 1", user="dave")
    assert "· 👍 2" in await bot.say("/quote show 1")
    assert "no quote #9" in await bot.say("/quote up 9")


async def test_member_quotes_removal_and_picks(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await archived(bot, "First words.", "bob", "r1")
    await archived(bot, "Second words.", "carol", "r2")
    assert "One of 1 quote(s) of bob:" in await bot.say("/quote @bob")
    assert await bot.say("/quote @dave") == "No quotes of dave yet."
    assert "Only the author" in await bot.say("/quote remove 1", user="carol")
    assert await bot.say("/quote remove 1", user="bob") == "Quote #1 was removed."
    assert "no quote #1" in await bot.say("/quote show 1")
    assert "admin" in await bot.say("/quote pick 2", user="carol")
    assert await bot.say("/quote pick 2", user="admin") == "⭐ Quote #2 is now an admin pick."
    assert "already an admin pick" in await bot.say("/quote pick 2", user="admin")
    assert await bot.say("/quote remove 2", user="admin") == "Quote #2 was removed."
    assert "No quotes yet." in await bot.say("/quote random")


async def test_daily_digest_ranks_picks_then_votes_once_a_day(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await archived(bot, "Quote one.", "bob", "d1")
    await archived(bot, "Quote two.", "carol", "d2")
    await archived(bot, "Quote three.", "dave", "d3")
    await bot.say("/quote up 2", user="erin")
    await bot.say("/quote pick 3", user="admin")
    assert await bot.advance(timedelta(hours=10, minutes=59)) == ""
    digest = await bot.advance(timedelta(minutes=1))  # 21:00 local
    lines = digest.splitlines()
    assert lines[0] == "📰 Best quotes of the day (2025-03-10):"
    assert [line.split(" ")[0] for line in lines[1:]] == ["#3", "#2", "#1"]
    assert await bot.advance(timedelta(days=1)) == ""  # nothing new: no digest, no repeat
    weekly = await bot.advance(timedelta(days=5))  # Sunday 21:00
    assert weekly.startswith("🏆 Best quotes of the week (to 2025-03-16):")
    assert "#3 " in weekly


async def test_digest_due_while_down_is_posted_once_at_start(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, database="shared.db")
    await archived(bot, "Before the outage.", "bob", "o1")
    await bot.close()
    later = await new_bot(make_bot, database="shared.db", start=START + timedelta(hours=13))
    posted = [s.text for s in later.sent if s.text.startswith("📰")]
    assert posted == [
        "📰 Best quotes of the day (2025-03-10):\n#1 “Before the outage.” — bob, 2025-03-10 · 👍 0"
    ]
    await later.close()
    again = await new_bot(make_bot, database="shared.db", start=START + timedelta(hours=14))
    assert not any(s.text.startswith("📰") for s in again.sent)
    assert await again.advance(timedelta(hours=23)) == ""


async def test_digest_settings_are_per_group(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    saved = await bot.say("/config quotes digest_time 12:30", user="admin")
    assert "digest_time" in saved and "12:30" in saved
    await archived(bot, "Noon words.", "bob", "n1")
    assert "Best quotes of the day" in await bot.advance(timedelta(hours=2, minutes=30))
    assert "not valid" in await bot.say("/config quotes digest_time 25:99", user="admin")
