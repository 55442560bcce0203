"""The points shop: stock never oversold, payment and order together, limits, private codes,
fulfilment and refunds."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from plugins.shop import plugin as shop_plugin
from plugins.shop.models import ShopCode, ShopItem, ShopOrder, ShopQuota
from shequn import Posting
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
_item = ShopItem.__table__  # type: ignore[attr-defined]
_code = ShopCode.__table__  # type: ignore[attr-defined]
_order = ShopOrder.__table__  # type: ignore[attr-defined]
_quota = ShopQuota.__table__  # type: ignore[attr-defined]


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(shop_plugin, **options)
    bot.make_admin("admin")
    return bot


async def seed(bot: Harness, user: str, amount: int) -> None:
    person, community = bot.person(user), bot.community()
    await bot.app.ledger.post(Posting(person, community, amount, "seed", f"seed:{person}"))


async def order_count(bot: Harness) -> int:
    def read(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(_order)).scalar_one())

    return await bot.app.db.read(read)


async def stock(bot: Harness, item_id: int = 1) -> int:
    def read(conn: Connection) -> int:
        return int(conn.execute(select(_item.c.stock).where(_item.c.id == item_id)).scalar_one())

    return await bot.app.db.read(read)


async def test_admins_stock_items_and_members_see_them(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "nothing on offer" in await bot.say("/shop")
    assert "admin" in (await bot.say("/shop add Mug 10 5")).lower()
    added = await bot.say("/shop add Mug 10 5 2 a nice mug", user="admin")
    assert added == "Added #1 Mug: 10 points, 5 in stock."
    assert "already has an item called mug" in await bot.say("/shop add mug 3 3", user="admin")
    assert "cost must be between 0 and 1000000" in await bot.say(
        "/shop add Car 9999999 1", user="admin"
    )
    await bot.say('/shop add "Sticker pack" 3 100', user="admin")
    listing = await bot.say("积分商城")
    # PostgreSQL spends a sequence number on the refused duplicate, SQLite does not.
    assert re.search(r"#[23] Sticker pack: 3 points · 100 left", listing)
    assert "#1 Mug: 10 points · 5 left · at most 2 per member · a nice mug" in listing
    assert "Usage:" in await bot.say("/shop add Mug ten 5", user="admin")


async def test_redeem_pays_and_orders_together(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/shop add Mug 10 5", user="admin")
    await seed(bot, "bob", 25)
    text = await bot.say("/redeem mug", user="bob")
    assert "bob redeemed Mug for 10 points (order #1)" in text and "Balance: 15." in text
    assert "An admin will hand it over." in text
    assert "bob redeemed Mug" in await bot.say("兑换 #1", user="bob")
    refused = await bot.say("/redeem 1", user="bob")
    assert "Mug costs 10 points and your balance is 5. Nothing changed." in refused
    assert await order_count(bot) == 2 and await stock(bot) == 3
    assert "No item “Car”" in await bot.say("/redeem Car", user="bob")
    event = bot.message("/redeem Mug", user="carol")
    await seed(bot, "carol", 100)
    await bot.deliver(event)
    bot.app.dispatcher.recent = type(bot.app.dispatcher.recent)()  # a second worker
    await bot.deliver(event)
    assert await bot.balance("carol") == 90 and await order_count(bot) == 3


async def test_hundred_concurrent_redemptions_never_oversell(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/shop add Ticket 20 10", user="admin")
    buyers = [f"b{n:03d}" for n in range(100)]
    for buyer in buyers:
        await seed(bot, buyer, 50)
    before = len(bot.sent)
    await asyncio.gather(*(bot.say("/redeem Ticket", user=b) for b in buyers))
    text = "\n".join(s.text for s in bot.sent[before:])
    assert text.count("redeemed Ticket") == 10
    assert text.count("Ticket is sold out") == 90
    assert await stock(bot) == 0 and await order_count(bot) == 10
    balances = [await bot.balance(b) for b in buyers]
    assert sorted(balances) == [30] * 10 + [50] * 90


async def test_per_member_limit_holds_under_double_clicks(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/shop add Badge 1 50 2", user="admin")
    await seed(bot, "bob", 100)
    before = len(bot.sent)
    await asyncio.gather(*(bot.say("/redeem Badge", user="bob") for _ in range(6)))
    text = "\n".join(s.text for s in bot.sent[before:])
    assert text.count("bob redeemed Badge") == 2
    assert text.count("limited to 2 per member") == 4
    assert await bot.balance("bob") == 98 and await stock(bot) == 48


async def test_codes_go_out_privately_one_per_order(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/shop add Steam 30 0", user="admin")
    done = await bot.say("/shop codes Steam AAA-1, BBB-2 CCC-3 AAA-1", user="admin")
    assert done == "Added 3 code(s) to Steam (1 already known)."
    assert bot.actions[-1][:2] == ("delete", "group")  # the codes left the group chat
    assert "hands out codes" in await bot.say("/shop stock Steam 9", user="admin")
    buyers = ["u1", "u2", "u3", "u4"]
    for buyer in buyers:
        await seed(bot, buyer, 30)
    before = len(bot.sent)
    await asyncio.gather(*(bot.say("/redeem Steam", user=b) for b in buyers))
    sent = bot.sent[before:]
    private = [s for s in sent if s.scene.is_private]
    public = "\n".join(s.text for s in sent if not s.scene.is_private)
    codes = sorted(s.text.rsplit(": ", 1)[1] for s in private)
    assert codes == ["AAA-1", "BBB-2", "CCC-3"]
    assert public.count("Your code was sent to you privately.") == 3
    assert public.count("Steam is sold out") == 1
    assert not any(code in public for code in codes)
    mine_public = await bot.say("/shop mine", user=private[0].scene.name or "u1")
    assert "fulfilled" in mine_public and "AAA" not in mine_public and "BBB" not in mine_public
    owner = private[0].scene.name
    mine_private = await bot.say("/shop mine", user=owner, group=None)
    assert "code " in mine_private


async def test_admins_fulfil_and_refund_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/shop add Hoodie 40 3 1", user="admin")
    await seed(bot, "bob", 100)
    await bot.say("/redeem Hoodie", user="bob")
    await bot.say("/redeem Hoodie", user="bob")  # the limit
    orders = await bot.say("/shop orders", user="admin")
    assert "#1 Hoodie for bob · 40 points · pending" in orders
    assert await bot.say("/shop fulfil 1", user="admin") == "Order #1 is fulfilled."
    assert (
        await bot.say("/shop fulfil 1", user="admin") == "Order #1 is fulfilled: nothing changed."
    )
    assert await bot.say("/shop orders", user="admin") == "No orders to show."
    before = len(bot.sent)
    await asyncio.gather(*(bot.say("/shop refund 1", user="admin") for _ in range(3)))
    text = "\n".join(s.text for s in bot.sent[before:])
    assert text.count("Order #1 is refunded: 40 points back to bob.") == 1
    assert text.count("Order #1 is refunded: nothing changed.") == 2
    assert await bot.balance("bob") == 100 and await stock(bot) == 3
    assert "bob redeemed Hoodie" in await bot.say("/redeem Hoodie", user="bob")  # quota back
    assert "no order #9" in await bot.say("/shop refund 9", user="admin")
    assert "#2 Hoodie for bob" in await bot.say("/shop orders all", user="admin")
    assert await bot.say("/shop remove Hoodie", user="admin") == "Hoodie is off the shelf."
    assert "No item “Hoodie”" in await bot.say("/redeem Hoodie", user="bob")


async def test_chinese_locale(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config core locale zh-CN", user="admin")
    assert await bot.say("/商城 上架 贴纸 5 9", user="admin") == "已上架 #1 贴纸：5 积分，库存 9。"
    await seed(bot, "bob", 10)
    assert "bob 用 5 积分兑换了 贴纸（订单 #1）。" in await bot.say("兑换 贴纸", user="bob")
