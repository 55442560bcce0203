"""Admin team: a weekly duty roster, a private reminder before each shift (once, across
restarts), per admin the actions taken, and only admins managing it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from plugins.adminteam import plugin as adminteam_plugin
from plugins.adminteam.models import Shift
from plugins.lockdown import plugin as lockdown_plugin
from plugins.moderation import plugin as moderation_plugin
from plugins.points import plugin as points_plugin
from shequn import Posting
from shequn.audit import AuditRecord
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
_audit = AuditRecord.__table__  # type: ignore[attr-defined]
_shift = Shift.__table__  # type: ignore[attr-defined]
TUESDAY_0845 = datetime(2025, 3, 11, 0, 45, tzinfo=UTC)  # 15 minutes before a 09:00 shift


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(
        adminteam_plugin, moderation_plugin, points_plugin, lockdown_plugin, **options
    )
    for admin in ("admin", "dora"):
        bot.make_admin(admin)
    return bot


def private_to(bot: Harness, user: str, since: int = 0) -> list[str]:
    return [s.text for s in bot.sent[since:] if s.scene.is_private and s.scene.name == user]


async def test_roster_shows_who_is_on_duty_now(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "No duty roster yet" in await bot.say("/duty")
    added = await bot.say("/duty add @dora Tue 09:00-12:00", user="admin")
    assert added.startswith("🛡️ On the roster: #1 Tue 09:00-12:00 · dora. First shift 2025-03-11")
    assert "#2 Mon 22:00-02:00" in await bot.say(
        "/duty add @admin 周一 22：00～02:00", user="admin"
    )
    again = await bot.say("/duty add @dora tuesday 09:00-12:00", user="admin")
    assert "#1 Tue 09:00-12:00" in again  # the same shift twice is one shift
    assert (await bot.say("/duty")).splitlines() == [
        "Duty roster:",
        "#2 Mon 22:00-02:00 · admin",
        "#1 Tue 09:00-12:00 · dora",
        "Nobody is on duty right now.",
    ]
    await bot.advance(timedelta(hours=13))  # Monday 23:00
    assert (await bot.say("/duty")).endswith("On duty now: admin")
    await bot.advance(timedelta(hours=2, minutes=59))  # Tuesday 01:59: past midnight, still on
    assert (await bot.say("/duty")).endswith("On duty now: admin")
    await bot.advance(timedelta(hours=8))  # Tuesday 09:59
    assert (await bot.say("/duty")).endswith("On duty now: dora")
    me = await bot.say("/duty me", user="dora")
    assert me.splitlines() == [
        "dora, your shifts (next: 2025-03-18 09:00):",
        "#1 Tue 09:00-12:00 · dora",
    ]
    assert "you have no shifts" in await bot.say("/duty me", user="bob")
    assert "Shift #2 is off the roster" in await bot.say("/duty remove 2", user="admin")
    assert "There is no shift #2" in await bot.say("/duty remove 2", user="admin")
    assert "#2" not in await bot.say("/duty")


async def test_reminder_at_the_right_time_once_across_restarts(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, database="duty.db")
    await bot.say("/duty add @dora Tue 09:00-12:00", user="admin")
    assert await bot.advance(TUESDAY_0845 - START - timedelta(minutes=1)) == ""  # 08:44
    await bot.close()  # down across the reminder's time

    later = TUESDAY_0845 + timedelta(minutes=5)  # 08:50, the shift has not begun
    second = await new_bot(make_bot, database="duty.db", start=later)
    assert private_to(second, "dora") == [
        "🛡️ dora, your duty shift in group starts at 2025-03-11 09:00 (09:00-12:00)."
    ]
    assert [s for s in second.sent if not s.scene.is_private] == []
    await second.close()

    third = await new_bot(make_bot, database="duty.db", start=later + timedelta(minutes=1))
    assert third.sent == []  # a restart never repeats it
    assert await third.advance(timedelta(days=6, hours=23, minutes=53)) == ""  # next Tue 08:44
    before = len(third.sent)
    reminder = await third.advance(timedelta(minutes=1))  # next Tuesday 08:45
    assert private_to(third, "dora", before) == [reminder]
    assert "starts at 2025-03-18 09:00" in reminder
    assert await third.advance(timedelta(hours=3)) == ""


async def test_a_shift_removed_or_missed_sends_nothing(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, database="missed.db")
    await bot.say("/duty add @dora Tue 09:00-12:00", user="admin")
    await bot.say("/duty add @admin Tue 10:00-11:00", user="admin")
    await bot.close()
    # Back only after both shifts began: too late to remind; next week's are scheduled.
    back = await new_bot(make_bot, database="missed.db", start=TUESDAY_0845 + timedelta(hours=2))
    assert back.sent == []
    assert "Shift #2 is off the roster" in await back.say("/duty remove 2", user="admin")
    texts = await back.advance(timedelta(days=6, hours=22, minutes=5))  # next Tuesday 08:50
    assert private_to(back, "dora") == [texts]
    assert "starts at 2025-03-18 09:00" in texts
    assert private_to(back, "admin") == []


async def test_report_counts_actions_per_admin(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/duty add @dora Tue 09:00-12:00", user="admin")
    warn = bot.message("/warn @bob off topic", user="admin")
    await bot.deliver(warn)
    await bot.deliver(warn)  # a redelivered event is one action
    await bot.say("/mute @carol 10 flooding", user="admin")
    await bot.say("hello", user="bob")  # points go only to members seen in the group
    await bot.say("hello", user="carol")
    await bot.say("/grant @bob 5 good answer", user="admin")
    await bot.say("/grant @carol 3 helped", user="admin")
    await bot.say("/kick @erin ads", user="dora")
    await bot.say("/lockdown 30", user="dora")
    await bot.say("/lockdown off", user="dora")
    await bot.say("/warn @bob again", user="admin")  # the second warning mutes bob
    group = f"test:{bot.group}"
    for _ in range(2):  # any plugin can record; a key records once
        await bot.app.audit.record(group, "auto", "delete", "test:bob", "link", key="rule:1")
    report = await bot.say("/duty report", user="admin")
    assert report.splitlines() == [
        "Admin actions in the last 7 days (since 2025-03-03):",
        "admin: 7 (shifts added 1, point grants 2, mutes 2, warnings 2)",
        "dora: 3 (kicks 1, lockdowns 1, lockdowns lifted 1)",
        "Taken by rules on their own: 1",
    ]
    await bot.advance(timedelta(days=3))
    assert "admin: 7" in await bot.say("/duty report 4", user="admin")
    assert (await bot.say("/duty report 2", user="admin")).splitlines()[1:] == [
        "dora: 0 (-)"  # on the roster, nothing in these two days
    ]
    assert "Usage: /duty report [DAYS], 1 to 366." in await bot.say(
        "/duty report 9999", user="admin"
    )


async def test_report_counts_grants_per_admin_from_the_audit_log(
    make_bot: MakeBot, tmp_path: Path
) -> None:
    database = tmp_path / "shared.db"
    bot = await new_bot(make_bot, database=database)
    other = await new_bot(make_bot, database=database)  # a second worker, same database
    odd = "管理员 (值班)) ‮x\u200b: (test:dora)"
    bot.make_admin(odd)
    for member in ("bob", "carol"):  # points go only to members seen in the group
        await bot.say("hello", user=member)
    await bot.say("/grant @bob 5 good answer (test:dora)", user="admin")
    await bot.say("/grant @carol 3 helped", user="admin")
    await bot.say("/grant @bob -2 off topic", user="admin")
    await bot.say("/grant @carol 1 thanks", user="dora")
    await bot.say("/grant @bob 9 (test:admin)", user=odd)
    await bot.say("/grant @bob -100 spam", user="dora")  # refused: not an action taken
    redelivered = bot.message("/grant @carol 4 quiz prize", user="dora")
    await bot.deliver(redelivered)
    await bot.deliver(redelivered)
    await asyncio.gather(*(other.deliver(redelivered) for _ in range(5)))
    # A grant from before /grant audited itself: its admin only at the end of its reason.
    person, community = bot.person("bob"), bot.community()
    old = Posting(person, community, 6, "old prize (test:dora)", "points:grant:test:group:old",
                  f"test:{bot.group}", "points")  # fmt: skip
    await bot.app.ledger.post(old)
    report = (await bot.say("/duty report", user="admin")).splitlines()
    shown = odd.replace("\u202e", "")  # bidi controls are dropped from what the bot sends
    assert report == [
        "Admin actions in the last 7 days (since 2025-03-03):",
        "admin: 3 (point deductions 1, point grants 2)",
        "dora: 3 (point grants 3)",
        f"{shown}: 1 (point grants 1)",
    ]
    assert await bot.balance("carol") == 8
    await bot.say("/config core locale zh-CN", user="admin")
    report = (await bot.say("/duty report", user="admin")).splitlines()
    assert "admin：3（扣除积分 1，发放积分 2）" in report


async def test_roster_changes_are_audited_once(make_bot: MakeBot, tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    bot = await new_bot(make_bot, database=database)
    other = await new_bot(make_bot, database=database)
    add = bot.message("/duty add @dora Tue 09:00-12:00", user="admin")
    assert (await bot.deliver(add))[0].startswith("🛡️ On the roster: #1 Tue 09:00-12:00")
    await asyncio.gather(*(other.deliver(add) for _ in range(3)))  # redelivered elsewhere
    await bot.say("/duty add @dora Tue 09:00-12:00", user="dora")  # the same shift again
    await bot.say("/duty add @admin Fri 22:00-02:00", user="dora")
    remove = bot.message("/duty remove 1", user="dora")
    replies = await asyncio.gather(bot.deliver(remove), *(other.deliver(remove) for _ in range(3)))
    texts = [text for reply in replies for text in reply]
    assert texts.count("Shift #1 is off the roster.") == 1  # the others find it gone
    await bot.say("/duty remove 1", user="admin")  # gone already: nothing to record
    assert (await bot.say("/duty report", user="admin")).splitlines()[1:] == [
        "dora: 2 (shifts added 1, shifts removed 1)",
        "admin: 1 (shifts added 1)",
    ]
    rows = await bot.app.db.read(
        lambda conn: conn.execute(
            select(_audit.c.actor, _audit.c.action, _audit.c.target, _audit.c.reason)
            .where(_audit.c.plugin == "adminteam")
            .order_by(_audit.c.id)
        ).all()
    )
    admin, dora = bot.person("admin"), bot.person("dora")
    # Ids as the database hands them out (PostgreSQL's sequence skips the ignored inserts).
    ids = await bot.app.db.read(lambda conn: conn.execute(select(_shift.c.id)).scalars().all())
    assert [tuple(r) for r in rows] == [
        (admin, "duty_add", dora, "#1 Tue 09:00-12:00"),
        (dora, "duty_add", admin, f"#{ids[0]} Fri 22:00-02:00"),
        (dora, "duty_remove", dora, "#1 Tue 09:00-12:00"),
    ]


async def test_only_admins_manage_the_roster(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    for text in ("/duty add @dora Tue 09:00-12:00", "/duty remove 1", "/duty report"):
        assert "needs admin rights" in await bot.say(text, user="bob")
    assert "No duty roster yet" in await bot.say("/duty", user="bob")
    await bot.say("/duty add @dora Tue 09:00-12:00", user="admin")
    refused = await bot.say("/duty remove 1", user="bob")
    assert "needs admin rights" in refused
    assert "#1 Tue 09:00-12:00 · dora" in await bot.say("/duty", user="bob")  # members may look
    assert "bob is not an admin" in await bot.say("/duty add @bob Mon 09:00-10:00", user="admin")


async def test_bad_shifts_get_a_clear_message(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "is not a day" in await bot.say("/duty add @dora Someday 09:00-10:00", user="admin")
    odd = "‮" + "𝔉" * 5000
    assert "is not a day" in await bot.say(f"/duty add @dora {odd} 09:00-10:00", user="admin")
    for hours in ("09:00", "25:00-26:00", "09:00-09:00", "9-10", "09:00-10:0", odd):
        answer = await bot.say(f"/duty add @dora Mon {hours}", user="admin")
        assert "is not a shift" in answer, hours
    assert "No duty roster yet" in await bot.say("/duty")
