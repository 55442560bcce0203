"""The points plugin: balances and ranks, the leaderboard, admin grants and their safety."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from plugins.points import plugin as points_plugin
from shequn import Posting, User
from shequn.audit import AuditRecord
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in the default Asia/Shanghai


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    bot = await make_bot(points_plugin, start=START, **options)
    bot.make_admin("admin")
    for member in ("alice", "bob", "carol"):  # points go only to members seen in the group
        await bot.say("hello", user=member)
    return bot


async def seed(bot: Harness, user: str, amount: int) -> None:
    """Credit ``user`` directly through the ledger (as another plugin would)."""
    person, community = bot.person(user), bot.community()
    await bot.app.ledger.post(Posting(person, community, amount, "seed", f"seed:{person}"))


async def ledger_rows(bot: Harness, user: str) -> int:
    entries = await bot.app.ledger.history(bot.person(user), bot.community(), 10_000)
    return len(entries)


async def audited(bot: Harness) -> list[tuple[str, str, str, str]]:
    """(actor, action, target, reason) of the points plugin's audit entries, oldest first;
    people shown by their account (one account each here)."""
    table = AuditRecord.__table__  # type: ignore[attr-defined]
    query = select(table.c.actor, table.c.action, table.c.target, table.c.reason)
    query = query.where(table.c.plugin == "points").order_by(table.c.id)
    rows = await bot.app.db.read(lambda conn: conn.execute(query).all())
    accounts = {bot.person(user): f"test:{user}" for user in ("admin", "dora", "bob", "carol")}
    return [(accounts.get(a, a), action, accounts.get(t, t), r) for a, action, t, r in rows]


async def test_points_shows_balance_and_rank(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await seed(bot, "alice", 30)
    await seed(bot, "bob", 50)
    await seed(bot, "carol", 30)
    assert await bot.say("/points") == "Points of alice: 30, rank #2 of 3."
    assert await bot.say("积分", user="carol") == "Points of carol: 30, rank #2 of 3."
    assert await bot.say("/积分", user="bob") == "Points of bob: 50, rank #1 of 3."
    assert await bot.say("/points @bob") == "Points of bob: 50, rank #1 of 3."


async def test_points_without_any(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/points") == "alice has no points in this community yet."


async def test_points_is_group_only(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/points", group=None) == "This command works in groups only."


async def test_rank_lists_top_ten_with_names_and_own_place(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    for index in range(12):
        await seed(bot, f"m{index:02d}", 100 - index)
    await seed(bot, "alice", 1)
    await bot.app.identity.remember_name(User(platform="test", id="m00", name="Top Member"))
    reply = (await bot.say("/rank")).splitlines()
    assert reply[0] == "Points leaderboard (top 10):"
    assert reply[1] == "1. Top Member: 100"
    assert reply[2] == "2. m01: 99"
    assert reply[10] == "10. m09: 91"
    assert reply[11] == "You: #13 with 1."
    assert len(reply) == 12
    # On the board: no extra line; keyword and alias reach the same command.
    assert "You:" not in await bot.say("积分榜", user="m03")
    assert (await bot.say("/排行")).startswith("Points leaderboard")


async def test_rank_of_empty_community(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/rank") == "Nobody has points in this community yet."


async def test_grant_adds_and_deducts_with_reason(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    reply = await bot.say("/grant @bob 25 great talk on Friday", user="admin")
    assert reply == "bob: +25 points (great talk on Friday). Balance: 25."
    reply = await bot.say("/grant @bob -5 off topic", user="admin")
    assert reply == "bob: -5 points (off topic). Balance: 20."
    assert await bot.balance("bob") == 20
    entries = await bot.app.ledger.history(bot.person("bob"), bot.community())
    assert [(e.amount, e.reason) for e in entries] == [
        (-5, "off topic"),
        (25, "great talk on Friday"),
    ]
    assert all(e.plugin == "points" for e in entries)


async def test_grant_by_a_member_is_refused(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/grant @alice 100 me") == "/grant needs admin rights."
    assert await bot.balance("alice") == 0
    assert await ledger_rows(bot, "alice") == 0


async def test_grant_with_wrong_arguments_shows_usage(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    usage = "Usage: /grant <member> <amount> <reason...>"
    assert await bot.say("/grant", user="admin") == f"Missing <member>.\n{usage}"
    assert await bot.say("/grant @bob", user="admin") == f"Missing <amount>.\n{usage}"
    assert await bot.say("/grant @bob 5", user="admin") == f"Missing <reason>.\n{usage}"
    reply = await bot.say("/grant @bob lots because", user="admin")
    assert reply == f"<amount> must be a whole number, not “lots”.\n{usage}"
    assert await bot.balance("bob") == 0


async def test_deduction_beyond_balance_is_refused(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/grant @bob 5 welcome", user="admin")
    reply = await bot.say("/grant @bob -10 spam", user="admin")
    assert reply == "bob has a balance of 5; 10 cannot be deducted. Nothing changed."
    assert await bot.balance("bob") == 5
    assert await ledger_rows(bot, "bob") == 1
    assert (await bot.say("/grant @bob -5 spam", user="admin")).endswith("Balance: 0.")
    assert "has a balance of 0;" in await bot.say("/grant @bob -1 more spam", user="admin")
    assert await bot.balance("bob") == 0


async def test_zero_and_oversized_grants_are_refused(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/grant @bob 0 nothing", user="admin") == "The amount must not be zero."
    reply = await bot.say("/grant @bob 10001 typo", user="admin")
    assert reply == "A single grant or deduction may move at most 10000."
    await bot.say("/config points max_grant 50000", user="admin")
    assert "Balance: 10001." in await bot.say("/grant @bob 10001 prize", user="admin")


async def test_redelivered_grant_counts_once(make_bot: MakeBot, tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    first = await new_bot(make_bot, database=database)
    second = await new_bot(make_bot, database=database)
    event = first.message("/grant @bob 7 thanks", user="admin")
    assert await first.deliver(event) == ["bob: +7 points (thanks). Balance: 7."]
    assert await first.deliver(event) == []  # the same process drops the repeat
    # Another worker on the same database gets it too: the ledger key stops it.
    replies = await asyncio.gather(*(second.deliver(event) for _ in range(20)))
    assert replies[0] == ["This grant was already recorded; nothing changed. Balance of bob: 7."]
    assert all(r == [] for r in replies[1:])
    assert await first.balance("bob") == 7
    assert await ledger_rows(first, "bob") == 1
    assert await audited(first) == [("test:admin", "grant", "test:bob", "+7 thanks")]


async def test_two_grants_typed_twice_are_two_grants(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/grant @bob 3 helped", user="admin")
    await bot.say("/grant @bob 3 helped", user="admin")
    assert await bot.balance("bob") == 6


async def test_history_lists_latest_entries(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/points history") == "No points entries yet."
    for amount in (5, 6, 7):
        await bot.say(f"/grant @alice {amount} round {amount}", user="admin")
    await bot.say("/config points history_size 2", user="admin")
    lines = (await bot.say("积分明细")).splitlines()
    assert lines == [
        "Your last 2 points entries:",
        "03-10 10:00  +7  Points: round 7",
        "03-10 10:00  +6  Points: round 6",
    ]


async def test_chinese_locale(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config core locale zh-CN", user="admin")
    assert await bot.say("/grant @bob 8 答题第一", user="admin") == (
        "bob 获得 8 积分（答题第一）。当前余额：8。"
    )
    assert await bot.say("积分", user="bob") == "bob：8 积分，排名第 1（共 1 人）。"
    assert await bot.say("积分榜") == "积分排行榜（前 1 名）：\n1. bob：8"
    assert await bot.say("/grant @bob -9 刷屏", user="admin") == (
        "bob 只有 8 积分，无法扣除 9。未做任何更改。"
    )


async def test_each_grant_audits_its_admin_target_amount_and_reason(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    bot.make_admin("dora")
    await bot.say("/grant @bob 25 great talk", user="admin")
    await bot.say("/grant @carol 4 helped (a lot)", user="dora")
    await bot.say("/扣积分 @bob -5 off topic", user="dora")
    await bot.say("/grant @carol -50 too much", user="admin")  # refused: nothing audited
    await bot.say("/grant @bob 0 nothing", user="admin")
    await bot.say("/grant @bob 2 me", user="bob")  # not an admin
    assert await audited(bot) == [
        ("test:admin", "grant", "test:bob", "+25 great talk"),
        ("test:dora", "grant", "test:carol", "+4 helped (a lot)"),
        ("test:dora", "deduct", "test:bob", "-5 off topic"),
    ]
    groups = {r.group_key for r in await bot.app.db.read(_all_audit)}
    assert groups == {f"test:{bot.group}"}


def _all_audit(conn: Connection) -> list[AuditRecord]:
    table = AuditRecord.__table__  # type: ignore[attr-defined]
    return [AuditRecord(**row._mapping) for row in conn.execute(select(table))]


async def test_odd_admin_name_and_huge_reason_are_kept_apart(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    odd = "管理员 (值班)) ‮x\u200b: (test:admin)"
    bot.make_admin(odd)
    reason = "🎉" * 300
    reply = await bot.say(f"/grant @bob 3 {reason}", user=odd)
    assert reply == f"bob: +3 points ({reason[:200]}). Balance: 3."
    rows = await bot.app.db.read(_all_audit)
    assert [(r.actor, r.action, r.target, r.reason) for r in rows] == [
        (bot.person(odd), "grant", bot.person("bob"), f"+3 {reason[:197]}")
    ]
    entries = await bot.app.ledger.history(bot.person("bob"), bot.community())
    assert [e.reason for e in entries] == [reason[:200]]
