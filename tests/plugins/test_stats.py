"""/stats in chat, the weekly report to admins (once a week across restarts), the decline
alert (once per transition)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from plugins.stats import plugin as stats
from shequn import Capabilities, Image
from shequn.testing import Harness

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, after the 09:00 report time
MakeBot = Any


def private_to(bot: Harness, user: str) -> list[str]:
    return [s.text for s in bot.sent if s.scene.is_private and s.scene.id == f"private:{user}"]


def read_file(url: str) -> bytes:
    return Path(urlparse(url).path).read_bytes()


def weekly(bot: Harness, user: str) -> list[str]:
    return [t for t in private_to(bot, user) if "Weekly report" in t]


async def chat(bot: Harness, days: int, *, users: tuple[str, ...] = ("boss", "amy", "ben")) -> None:
    for _ in range(days):
        for user in users:
            await bot.say("talking about our topic today", user=user)
        await bot.advance(timedelta(days=1))


async def test_stats_answers_with_text_where_images_are_missing(make_bot: MakeBot) -> None:
    bot = await make_bot(stats, start=START, timezone="UTC")
    await bot.say("hello", user="amy")
    await bot.say("what is new?", user="ben")
    answer = await bot.say("/stats")
    assert "【Community stats · last 7 days】" in answer
    assert "3 messages from 3 members" in answer  # the /stats message itself counts
    assert "Activities: Community stats: 1 person (1 use)" in answer
    assert "Stage: sprouting" in answer


async def test_stats_sends_a_chart_image_where_the_platform_takes_images(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot(stats, start=START, timezone="UTC", locale="zh-CN")
    bot.platform.capabilities = Capabilities(images=True)
    await bot.say("大家好", user="amy")
    await bot.say("/统计 14")
    sent = bot.sent[-1].message
    images = [s for s in sent if isinstance(s, Image)]
    assert len(images) == 1
    data = read_file(images[0].url)
    assert data.startswith(b"\x89PNG")
    assert "【社群数据 · 近 14 天】" in sent.plain_text


async def test_stats_rejects_a_bad_number_of_days(make_bot: MakeBot) -> None:
    bot = await make_bot(stats, start=START, timezone="UTC")
    answer = await bot.say("/stats lots")
    assert "/stats" in answer and "【" not in answer


async def test_weekly_report_reaches_admins_once_per_week_across_restarts(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot(stats, start=START, timezone="UTC", database="weekly.db")
    bot.make_admin("boss")
    await chat(bot, 3)
    assert private_to(bot, "boss") == []
    await bot.close()
    # A restart schedules the same week's job again: the key keeps it single.
    again = await make_bot(stats, start=bot.clock.now(), timezone="UTC", database="weekly.db")
    again.make_admin("boss")
    await again.advance(timedelta(days=4, hours=1))  # past Monday 09:00
    reports = weekly(again, "boss")
    assert len(reports) == 1
    assert "Weekly report for test:group" in reports[0]
    assert private_to(again, "amy") == []  # not an admin
    await again.advance(timedelta(days=1))
    await again.app.scheduler.run_due()
    assert len(weekly(again, "boss")) == 1
    await chat(again, 1)
    await again.advance(timedelta(days=6))  # the next Monday
    assert len(weekly(again, "boss")) == 2


async def test_decline_alert_once_per_transition(make_bot: MakeBot) -> None:
    bot = await make_bot(stats, start=START, timezone="UTC")
    bot.make_admin("boss")
    await chat(bot, 30)  # a busy month: the daily check records "active"
    assert not [t for t in private_to(bot, "boss") if "Heads-up" in t]
    for _ in range(12):  # then silence, checked every day
        await bot.advance(timedelta(days=1))
    alerts = [t for t in private_to(bot, "boss") if "Heads-up" in t]
    assert len(alerts) == 1
    assert "moved from “active interaction”" in alerts[0]
