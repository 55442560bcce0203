"""``/stats`` tells the admins how many events a surge beyond the group's queue cost."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.signin import plugin as signin
from plugins.stats import plugin as stats
from shequn.testing import Harness, VirtualTimer

MakeBot = Any
LIMITS = {"group_queue": 20, "group_burst": 5, "group_per_second": 1.0}


async def overflow(bot: Harness, group: str, members: int) -> None:
    """``members`` sign-ins at one moment: ``group_queue`` wait, the rest are dropped."""
    for n in range(members):
        bot.app.submit(bot.message("/signin", user=f"m{n}", group=group))
    await bot.app.intake.drain()
    await bot.app.limits.settle()


@pytest.mark.parametrize(
    ("locale", "command", "label", "shown"),
    [
        ("en", "/stats", "Dropped", "Dropped by the rate limits since the bot started: 30 events"),
        ("zh-CN", "/统计", "丢弃", "因频率限制丢弃的事件：30 个"),
    ],
)
async def test_stats_shows_the_events_dropped_in_this_group(
    make_bot: MakeBot, locale: str, command: str, label: str, shown: str
) -> None:
    bot: Harness = await make_bot(stats, signin, limits=LIMITS, locale=locale)
    bot.app.timer = VirtualTimer()
    await overflow(bot, "packed", 50)
    await overflow(bot, "calm", 3)

    assert shown in await bot.say(command, group="packed")
    assert label not in await bot.say(command, group="calm")  # nothing lost there: no line


async def test_stats_says_nothing_of_drops_when_there_were_none(make_bot: MakeBot) -> None:
    bot: Harness = await make_bot(stats, signin)
    await bot.say("/signin", user="amy")
    assert "Dropped" not in await bot.say("/stats")
