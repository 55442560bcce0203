"""Red envelopes: random shares that add up, one grab per person under concurrency, and the
unclaimed rest returned exactly once."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, func, select

from plugins.redenvelope import plugin as envelope_plugin
from plugins.redenvelope.models import Envelope, EnvelopeShare
from plugins.redenvelope.split import split
from shequn import Posting
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
_envelope = Envelope.__table__  # type: ignore[attr-defined]
_share = EnvelopeShare.__table__  # type: ignore[attr-defined]


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(envelope_plugin, **options)
    bot.make_admin("admin")
    return bot


async def seed(bot: Harness, user: str, amount: int) -> None:
    person, community = bot.person(user), bot.community()
    await bot.app.ledger.post(Posting(person, community, amount, "seed", f"seed:{person}"))


async def total_balance(bot: Harness, users: list[str]) -> int:
    return sum([await bot.balance(u) for u in users])


def replies_since(bot: Harness, before: int) -> str:
    return "\n".join(s.text for s in bot.sent[before:])


@given(total=st.integers(1, 5000), data=st.data())
def test_split_is_exact_and_positive(total: int, data: st.DataObject) -> None:
    shares = data.draw(st.integers(1, min(total, 200)))
    amounts = split(total, shares, random.Random(data.draw(st.integers(0, 2**32))))
    assert len(amounts) == shares
    assert sum(amounts) == total
    assert min(amounts) >= 1


def test_split_refuses_too_many_shares() -> None:
    try:
        split(3, 4)
    except ValueError:
        return
    raise AssertionError("split(3, 4) must refuse")


async def test_send_charges_the_giver_and_shows_a_button(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    text = await bot.say("/hongbao 60 3 Happy new year")
    assert "alice sent red envelope #1: 60 points in 3 shares. “Happy new year”" in text
    assert "1. 🧧 Grab" in text
    assert await bot.balance("alice") == 40
    assert "needs that many in your balance; you have 40" in await bot.say("/红包 50 2")
    assert await bot.balance("alice") == 40
    assert "cannot fill 5 shares" in await bot.say("/hongbao 4 5")
    assert "between 1 and 100" in await bot.say("/hongbao 400 101")
    assert "Usage:" in await bot.say("/hongbao lots 3")
    assert "Usage:" in await bot.say("/hongbao")


async def test_redelivered_send_charges_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    event = bot.message("/hongbao 30 3")
    await bot.deliver(event)
    await bot.deliver(event)
    # A second worker (with its own memory of deliveries) sees it too: still charged once.
    bot.app.dispatcher.recent = type(bot.app.dispatcher.recent)()
    await bot.deliver(event)
    assert await bot.balance("alice") == 70

    def count(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(_envelope)).scalar_one())

    assert await bot.app.db.read(count) == 1


async def test_fifty_concurrent_grabs_add_up_exactly(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 1000)
    await bot.say("/hongbao 777 30")
    grabbers = [f"g{n:02d}" for n in range(50)]
    before = len(bot.sent)
    await asyncio.gather(*(bot.press("redenvelope:grab:1", user=g) for g in grabbers))
    text = replies_since(bot, before)
    assert text.count(" grabbed ") == 30
    assert text.count("red envelope #1 is empty") == 20
    assert text.count("Red envelope #1 is empty: all 30 shares taken") == 1
    got = [await bot.balance(g) for g in grabbers]
    assert sum(got) == 777 and sum(1 for g in got if g > 0) == 30
    assert await bot.balance("alice") == 1000 - 777
    # The expiry finds nothing to return and says nothing.
    assert await bot.advance(timedelta(days=2)) == ""
    assert await total_balance(bot, ["alice", *grabbers]) == 1000


async def test_one_grab_per_person_even_when_double_clicked(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    await bot.say("/hongbao 100 5")
    before = len(bot.sent)
    await asyncio.gather(*(bot.press("redenvelope:grab:1", user="bob") for _ in range(8)))
    text = replies_since(bot, before)
    assert text.count("bob grabbed") == 1 and text.count("already grabbed") == 7
    assert "already grabbed" in await bot.say("抢红包", user="bob")
    assert "cannot grab your own" in await bot.say("/grab")
    assert "no red envelope #7" in await bot.say("/grab 7", user="bob")

    def shares(conn: Connection) -> int:
        return int(
            conn.execute(
                select(func.count()).where(_share.c.taker == bot.person("bob"))
            ).scalar_one()
        )

    assert await bot.app.db.read(shares) == 1


async def test_unclaimed_points_return_once_after_the_timeout(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 500)
    await bot.say("/config redenvelope expire_hours 2", user="admin")
    await bot.say("/hongbao 300 10 for the early birds")
    for name in ("b1", "b2", "b3"):
        await bot.say("/grab", user=name)
    grabbed = sum([await bot.balance(n) for n in ("b1", "b2", "b3")])
    assert await bot.advance(timedelta(hours=1)) == ""
    text = await bot.advance(timedelta(hours=1))
    assert f"3/10 shares grabbed; {300 - grabbed} points went back to alice" in text
    assert await bot.balance("alice") == 500 - grabbed
    assert "is closed" in await bot.press("redenvelope:grab:1", user="late")
    assert await bot.balance("late") == 0
    # Running the expiry again (a redelivered job) returns nothing more.
    from plugins.redenvelope.store import expire

    now = bot.clock.now().timestamp()
    assert await bot.app.db.write(lambda conn: expire(conn, 1, now)) is None
    assert await bot.balance("alice") == 500 - grabbed
    assert "No red envelope is open" in await bot.say("抢红包", user="late")


async def test_admins_only_setting(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 100)
    await seed(bot, "admin", 100)
    await bot.say("/config redenvelope members_may_send false", user="admin")
    assert "Only admins" in await bot.say("/hongbao 10 2")
    assert "admin sent red envelope #1" in await bot.say("/发红包 10 2", user="admin")


async def test_chinese_locale(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config core locale zh-CN", user="admin")
    await seed(bot, "alice", 100)
    assert "alice 发了红包 #1：20 积分，共 2 份。“恭喜发财，大吉大利！”" in await bot.say(
        "发红包 20 2"
    )
    assert "bob 从红包 #1 抢到" in await bot.say("抢红包", user="bob")
