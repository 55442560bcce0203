"""``/deduct`` (扣积分, 扣分) always deducts; ``/grant`` pays only accounts seen here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plugins.points import plugin as points_plugin
from shequn import Posting
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


async def new_bot(make_bot: MakeBot, locale: str) -> Harness:
    bot = await make_bot(points_plugin, start=START)
    bot.make_admin("admin")
    if locale != "en":
        await bot.say(f"/config core locale {locale}", user="admin")
    return bot


async def seed(bot: Harness, user: str, amount: int) -> None:
    person, community = bot.person(user), bot.community()
    await bot.app.ledger.post(Posting(person, community, amount, "seed", f"seed:{person}"))


@pytest.mark.parametrize(
    ("locale", "taken"),
    [
        ("en", "bob: -2 points (罚). Balance: 8."),
        ("zh-CN", "bob 被扣除 2 积分（罚）。当前余额：8。"),
    ],
)
async def test_deduct_words_take_points(make_bot: MakeBot, locale: str, taken: str) -> None:
    bot = await new_bot(make_bot, locale)
    await seed(bot, "bob", 10)
    assert await bot.say("/扣积分 @bob 2 罚", user="admin") == taken
    assert await bot.balance("bob") == 8
    # A negative number deducts too, and so does the other Chinese name.
    assert "6" in await bot.say("/deduct @bob -2 x", user="admin")
    assert await bot.balance("bob") == 6
    await bot.say("/扣分 @bob 1 y", user="admin")
    assert await bot.balance("bob") == 5
    # /grant (发积分) still pays.
    await bot.say("/发积分 @bob 4 z", user="admin")
    assert await bot.balance("bob") == 9


async def test_deduct_is_admin_only_and_cannot_overdraw(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, "en")
    await seed(bot, "bob", 3)
    assert await bot.say("/扣积分 @bob 2 x", user="carol") == "/deduct needs admin rights."
    reply = await bot.say("/deduct @bob 5 spam", user="admin")
    assert reply == "bob has a balance of 3; 5 cannot be deducted. Nothing changed."
    assert await bot.balance("bob") == 3


@pytest.mark.parametrize(
    ("locale", "refused"),
    [
        (
            "en",
            "test:ghost has never been seen in this community (no message, join or points"
            " here): nothing changed. Check the mention.",
        ),
        (
            "zh-CN",
            "test:ghost 从未在本社群出现过（没有发言、入群或积分记录），"
            "未做任何更改。请检查 @ 的对象。",
        ),
    ],
)
async def test_grant_to_an_unseen_account_is_refused(
    make_bot: MakeBot, locale: str, refused: str
) -> None:
    bot = await new_bot(make_bot, locale)
    assert await bot.say("/grant @ghost 5 x", user="admin") == refused
    assert await bot.balance("ghost") == 0
    assert await bot.app.ledger.history(bot.person("ghost"), bot.community()) == []
    # Seen a moment ago (still in the analytics buffer, not yet in the tables): paid.
    await bot.say("hello", user="bob")
    assert bot.app.analytics.recorder.pending > 0
    reply = await bot.say("/grant @bob 5 x", user="admin")
    assert reply.startswith("bob")
    assert await bot.balance("bob") == 5


async def test_seen_after_a_flush_or_a_join_or_in_another_group(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, "en")
    await bot.say("hi", user="bob")
    await bot.app.analytics.flush()
    assert bot.app.analytics.recorder.pending == 0
    assert "Balance: 1." in await bot.say("/grant @bob 1 x", user="admin")
    await bot.join("dora")
    assert "Balance: 1." in await bot.say("/grant @dora 1 x", user="admin")
    # Seen only in another group (another community): still unknown here.
    await bot.say("hi", user="erin", group="elsewhere")
    assert "never been seen" in await bot.say("/grant @erin 1 x", user="admin")
