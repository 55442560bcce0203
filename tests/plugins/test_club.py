"""Club terms: a term that warns, expires, lapses (kick or mute once) and renews, by admins or
paid in points; the same across restarts; the roster."""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plugins.club import plugin as club_plugin
from plugins.points import plugin as points_plugin
from shequn import Event, Posting
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(club_plugin, points_plugin, **options)
    bot.make_admin("admin")
    return bot


async def seed(bot: Harness, user: str, amount: int) -> None:
    await bot.app.ledger.post(Posting(bot.person(user), bot.community(), amount, "seed", user))


def texts_to(bot: Harness, user: str, since: int) -> list[str]:
    return [s.text for s in bot.sent[since:] if s.scene.is_private and s.scene.name == user]


def count(bot: Harness, action: str, user: str = "bob") -> int:
    return sum(1 for a in bot.actions if a == (action, "group", user))


async def concurrently(bot: Harness, events: list[Event]) -> list[str]:
    before = len(bot.sent)
    await asyncio.gather(*(bot.deliver(event) for event in events))
    return [sent.text for sent in bot.sent[before:]]


async def test_term_warns_expires_lapses_into_a_mute_and_renews_with_points(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config club price 50", user="admin")
    renewed = await bot.say("/club renew @bob 10", user="admin")
    assert renewed == "@bob your membership is renewed by 10 days, until 2025-03-20 10:00."
    assert "until 2025-03-20 10:00" in await bot.say("/club", user="bob")
    assert await bot.say("/club roster") == "Active (1):\n· bob until 2025-03-20 10:00"
    assert await bot.advance(timedelta(days=6, hours=23, minutes=59)) == ""
    before = len(bot.sent)
    warned = await bot.advance(timedelta(minutes=1))  # three days before the end
    notice = (
        "⏳ your club membership ends on 2025-03-20 10:00. "
        "Renew with /club renew (50 points for 30 days) or ask an admin."
    )
    assert texts_to(bot, "bob", before) == [notice]
    assert warned == f"{notice}\n@bob {notice}"
    assert "Expiring or in grace (1):\n· bob ends 2025-03-20 10:00" in await bot.say("/club roster")
    assert await bot.advance(timedelta(days=2, hours=23)) == ""
    ended = await bot.advance(timedelta(hours=1))  # the end: grace for three days
    assert ended.count("grace period lasts until 2025-03-23 10:00") == 2  # private and group
    assert "in the grace period" in await bot.say("/club", user="bob")
    assert count(bot, "mute") == 0
    assert await bot.advance(timedelta(days=2, hours=23, minutes=59)) == ""
    lapsed = await bot.advance(timedelta(minutes=1))
    assert lapsed.startswith("@bob is muted: the membership lapsed.")
    assert count(bot, "mute") == 1
    assert "Lapsed (1):\n· bob ended 2025-03-20 10:00 (muted)" in await bot.say("/club roster")
    assert await bot.advance(timedelta(days=30)) == ""
    assert count(bot, "mute") == 1
    # Renewal by the member, paid in points: the mute is lifted, a new term starts today.
    assert "costs 50 points but your balance is 0" in await bot.say("/club renew", user="bob")
    await seed(bot, "bob", 70)
    paid = await bot.say("/club renew", user="bob")
    assert paid == (
        "@bob you paid 50 points: your membership is renewed by 30 days, until 2025-05-22 10:00."
    )
    assert await bot.balance("bob") == 20
    assert count(bot, "unmute") == 1
    assert await bot.say("/club roster") == "Active (1):\n· bob until 2025-05-22 10:00"
    assert "membership ends on 2025-05-22" in await bot.advance(timedelta(days=27))


async def test_renewal_in_the_grace_period_voids_the_lapse(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config club lapse_action kick", user="admin")
    await bot.say("/club renew @bob 5", user="admin")
    await bot.advance(timedelta(days=5, hours=1))  # in grace
    assert "until 2025-03-22 11:00" in await bot.say("/club renew @bob 7", user="admin")
    assert "until 2025-03-22 11:00" in await bot.say("/club", user="bob")
    texts = await bot.advance(timedelta(days=4))  # past the old round's lapse: nothing
    assert "removed" not in texts
    assert count(bot, "kick") == 0
    assert "membership ends on 2025-03-22 11:00" in texts  # the new round's reminder
    assert "@bob was removed" in await bot.advance(timedelta(days=7))
    assert count(bot, "kick") == 1


async def test_lapse_kicks_once_across_restarts_and_renewal_after_a_kick(
    make_bot: MakeBot,
) -> None:
    first = await new_bot(make_bot, database="club.db")
    await first.say("/config club lapse_action kick", user="admin")
    await first.say("/club renew @bob 5", user="admin")
    await first.say("/club renew @carol 30", user="admin")
    assert await first.advance(timedelta(days=1)) == ""
    await first.close()
    # Down for ten days: bob's reminder, end and lapse all fell due meanwhile.
    later = START + timedelta(days=11)
    second = await new_bot(make_bot, database="club.db", start=later)
    texts = [s.text for s in second.sent]
    assert texts == [
        "@bob was removed: the membership lapsed. Ask an admin to renew it."
    ]  # a stale reminder and grace notice are not sent; the lapse is, once
    assert count(second, "kick") == 1
    third = await new_bot(make_bot, database="club.db", start=later + timedelta(minutes=1))
    await asyncio.gather(second.advance(timedelta(minutes=5)), third.advance(timedelta(minutes=5)))
    assert count(third, "kick") == 0 and count(second, "kick") == 1
    third.make_admin("admin")
    roster = await third.say("/club roster")
    assert "Active (1):\n· carol until 2025-04-09 10:00" in roster
    assert "Lapsed (1):\n· bob ended 2025-03-15 10:00 (removed)" in roster
    renewed = await third.say("/club renew @bob 30", user="admin")
    assert "until 2025-04-20 10:06" in renewed
    assert "invite them back" in renewed
    assert count(third, "unmute") == 0


async def test_paid_renewals_concurrent_and_redelivered_are_each_paid_once(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config club price 50", user="admin")
    await bot.say("/config club term_days 10", user="admin")
    await seed(bot, "bob", 120)
    same = bot.message("/club renew", user="bob")
    distinct = [bot.message("/club renew", user="bob") for _ in range(4)]
    replies = await concurrently(bot, [same, same, same, *distinct])
    assert sum("you paid 50 points" in r for r in replies) == 2
    assert sum("your balance is 20" in r for r in replies) == 3
    assert await bot.balance("bob") == 20
    assert "until 2025-03-30 10:00" in await bot.say("/club", user="bob")
    jobs = await bot.app.scheduler.pending("club")
    assert sorted(job.job for job in jobs) == ["expire", "expire", "lapse", "lapse", "warn", "warn"]


async def test_bad_input_and_permissions(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "No membership terms" in await bot.say("/club roster")
    assert "no membership term" in await bot.say("/club", user="bob")
    assert "renewed by the admins" in await bot.say("/club renew", user="bob")
    assert "Only admins" in await bot.say("/club renew @bob 30", user="bob")
    assert "from 1 to 3660" in await bot.say("/club renew @bob 0", user="admin")
    assert "from 1 to 3660" in await bot.say("/club renew @bob 99999", user="admin")
    assert "from 1 to 3660" in await bot.say("/club renew @bob", user="admin")
    assert "Usage" in await bot.say("/club renew @bob many", user="admin")
    long_name = "名" * 60
    assert "renewed by 3 days" in await bot.say(f"/club renew @{long_name} 3", user="admin")
    assert "in private" not in await bot.say("/club roster")


def test_locales_have_the_same_keys() -> None:
    folder = Path(club_plugin.locales_dir or "")
    en = tomllib.loads((folder / "en.toml").read_text("utf-8"))
    zh = tomllib.loads((folder / "zh-CN.toml").read_text("utf-8"))
    assert en.keys() == zh.keys()
