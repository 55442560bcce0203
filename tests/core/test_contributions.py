"""``app.contributions``: measures plugins offer each other, counted only where the offering
plugin is on, with a failing, hanging or malformed reader logged and left out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from shequn import App, Plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)

visits = Plugin("visits")
posts = Plugin("posts")
broken = Plugin("broken")


async def count_visits(app: App, community: str) -> Mapping[str, int]:
    return {"alice": 3, "bob": 1}


async def count_posts(app: App, community: str) -> Mapping[str, int]:
    return {"alice": 7}


async def new_bot(make_bot: MakeBot, *plugins: Plugin) -> Harness:
    bot = await make_bot(visits, posts, broken, *plugins, superusers=["test:root"], start=START)
    await bot.say("hello")  # the group is seen, so it belongs to its community
    return bot


async def test_every_offered_measure_is_read(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    contributions = bot.app.contributions
    contributions.offer(visits, "visits", count_visits)
    contributions.offer(posts, "posts", count_posts)
    assert contributions.names() == ["posts", "visits"]
    assert await contributions.read(bot.community()) == {
        "visits": {"alice": 3, "bob": 1},
        "posts": {"alice": 7},
    }
    assert await contributions.read("nobody") == {}  # no group seen there


async def test_a_failing_reader_is_logged_and_left_out(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await new_bot(make_bot)

    async def fails(app: App, community: str) -> Mapping[str, int]:
        raise RuntimeError("table is gone")

    contributions = bot.app.contributions
    contributions.offer(visits, "visits", count_visits)
    contributions.offer(broken, "broken", fails)
    with caplog.at_level(logging.ERROR, logger="shequn.contributions"):
        found = await contributions.read(bot.community())
    assert found == {"visits": {"alice": 3, "bob": 1}}
    [record] = caplog.records
    assert "'broken' of plugin broken failed" in record.getMessage()
    assert record.exc_info is not None


async def test_malformed_and_hanging_readers(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await new_bot(make_bot)
    never = asyncio.Event()

    async def hangs(app: App, community: str) -> Mapping[str, int]:
        await never.wait()
        return {}

    async def not_a_mapping(app: App, community: str) -> Any:
        return [("alice", 1)]

    async def odd_entries(app: App, community: str) -> Any:
        return {"alice": 2, "bob": "3", 4: 4, "carol": True, "☃" * 300: 5}

    contributions = bot.app.contributions
    contributions.timeout = 0.05
    contributions.offer(broken, "hangs", hangs)
    contributions.offer(broken, "listy", not_a_mapping)
    contributions.offer(posts, "odd", odd_entries)
    with caplog.at_level(logging.WARNING, logger="shequn.contributions"):
        found = await contributions.read(bot.community())
    assert found == {"odd": {"alice": 2, "☃" * 300: 5}}
    messages = sorted(r.getMessage() for r in caplog.records)
    assert any("'hangs' of plugin broken took over" in m for m in messages), messages
    assert any("'listy' of plugin broken returned list, not a mapping" in m for m in messages)
    assert any("'odd' of plugin posts: 3 entries" in m for m in messages)


async def test_a_plugin_switched_off_everywhere_in_the_community_does_not_count(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot(visits, superusers=["test:root"], start=START)
    await bot.say("/community create Readers", user="root", group="g1")
    for group in ("g1", "g2"):
        await bot.say("/community add Readers", user="root", group=group)
    bot.app.contributions.offer(visits, "visits", count_visits)
    readers = bot.community("g1")
    assert readers == bot.community("g2")
    assert "now off" in await bot.say("/plugin off visits", user="root", group="g1")
    assert list(await bot.app.contributions.read(readers)) == ["visits"]  # still on in g2
    assert "now off" in await bot.say("/plugin off visits", user="root", group="g2")
    assert await bot.app.contributions.read(readers) == {}
    assert "now on" in await bot.say("/plugin on visits", user="root", group="g2")
    assert list(await bot.app.contributions.read(readers)) == ["visits"]


async def test_disposer_unload_and_conflicts(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    contributions = bot.app.contributions
    dispose = contributions.offer(visits, "visits", count_visits)
    with pytest.raises(ValueError, match="taken by 'visits'"):
        contributions.offer(posts, "visits", count_posts)
    for bad in ("", "Visits", "two words", "分享"):
        with pytest.raises(ValueError, match="lower-case identifier"):
            contributions.offer(posts, bad, count_posts)
    dispose()
    assert await contributions.read(bot.community()) == {}
    dispose()  # twice is harmless
    contributions.offer(posts, "visits", count_posts)  # the name is free again
    assert await contributions.read(bot.community()) == {"visits": {"alice": 7}}

    extra = Plugin("extra")
    unload = bot.app.load_plugin(extra)
    contributions.offer(extra, "extra", count_visits)
    assert "extra" in await contributions.read(bot.community())
    unload()
    assert contributions.names() == ["visits"]
    assert "extra" not in await contributions.read(bot.community())
