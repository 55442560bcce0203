"""Referral's ``/kol`` with the shares sharelinks offers through ``app.contributions``: the
column shows only where sharelinks is on, can weigh in the score, and a failing reader
leaves ``/kol`` as it was."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from plugins.referral import plugin as referral_plugin
from plugins.referral.kol import Reach, with_shares
from plugins.sharelinks import plugin as sharelinks_plugin
from shequn import App, Plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot
from tests.plugins.test_sharelinks import Browser, code_of

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
BASE = "https://bot.example.org"
PLAIN_KOL = ["Top 1 by reach (score · members per level):", "1. alice: 0.5 · 1"]


async def new_bot(make_bot: MakeBot, *plugins: Plugin) -> Harness:
    bot = await make_bot(
        referral_plugin,
        *plugins,
        start=START,
        sharelinks={"public_url": BASE, "secret": "pepper"},
    )
    bot.make_admin("admin")
    await bot.join("alice")
    await bot.join("bob", inviter="alice")
    return bot


async def share_chain(bot: Harness) -> None:
    """alice shares, bob re-shares: one visitor on alice's link, two on bob's."""
    alice = code_of(await bot.say("/share https://example.com/talk", user="alice"))
    bob = code_of(await bot.say(f"/share {BASE}/s/{alice}", user="bob"))
    await Browser("10.0.0.1").get(bot, f"/s/{alice}")
    await Browser("10.0.0.2").get(bot, f"/s/{bob}")
    await Browser("10.0.0.3").get(bot, f"/s/{bob}")


async def test_kol_shows_the_shares_of_a_chain(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, sharelinks_plugin)
    await share_chain(bot)
    # alice: her visitor plus the two bob brought; bob (no invitee) is not ranked.
    assert (await bot.say("/kol")).splitlines() == [
        "Top 1 by reach (score · members per level · shares):",
        "1. alice: 0.5 · 1 · 3 shares",
    ]
    assert "is now" in await bot.say("/config referral kol_shares_weight 0.5", user="admin")
    assert (await bot.say("/kol")).splitlines() == [
        "Top 2 by reach (score · members per level · shares):",
        "1. alice: 2 · 1 · 3 shares",  # 0.5 + 0.5 x 3
        "2. bob: 1 · 0 · 2 shares",
    ]
    await bot.say("/config core locale zh-CN", user="admin")
    assert (await bot.say("/kol")).splitlines()[1] == "1. alice：2 · 1 · 分享带来 3 人"


async def test_no_shares_column_where_sharelinks_is_off(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, sharelinks_plugin)
    await share_chain(bot)
    assert "now off" in await bot.say("/plugin off sharelinks", user="admin")
    assert (await bot.say("/kol")).splitlines() == PLAIN_KOL
    assert "is now" in await bot.say("/config referral kol_shares_weight 2", user="admin")
    assert (await bot.say("/kol")).splitlines() == PLAIN_KOL  # nothing to weigh


broken = Plugin("brokenshares")


async def failing_shares(app: App, community: str) -> Mapping[str, int]:
    raise RuntimeError("share tables unreadable")


async def test_a_failing_shares_reader_leaves_kol_working(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await new_bot(make_bot, broken)
    dispose = bot.app.contributions.offer(broken, "shares", failing_shares)
    with caplog.at_level(logging.ERROR, logger="shequn.contributions"):
        assert (await bot.say("/kol")).splitlines() == PLAIN_KOL
    assert any("plugin brokenshares failed" in r.getMessage() for r in caplog.records)
    dispose()
    assert bot.app.contributions.names() == []


def test_with_shares_ranks_and_weighs() -> None:
    ranked = [Reach("a", 1.0, (2,)), Reach("b", 0.5, (1,))]
    assert [s.shares for s in with_shares(ranked, None, 1.0)] == [None, None]
    shown = with_shares(ranked, {"b": 4, "c": 9}, 0.0)
    assert [(s.person, s.score, s.shares) for s in shown] == [("a", 1.0, 0), ("b", 0.5, 4)]
    weighed = with_shares(ranked, {"b": 4, "c": 9, "d": 0}, 0.25)
    assert [(s.person, s.score, s.per_level, s.shares) for s in weighed] == [
        ("c", 2.25, (), 9),
        ("b", 1.5, (1,), 4),
        ("a", 1.0, (2,), 0),
    ]
