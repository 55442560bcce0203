"""A surge of distinct members in one group is handled late but whole; a flooder is still cut."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.points import plugin as points
from plugins.signin import plugin as signin
from shequn.internal.models import LedgerEntry
from shequn.testing import Harness, VirtualTimer

MEMBERS = 1_000


async def _surge(bot: Harness, timer: VirtualTimer, group: str) -> None:
    """``MEMBERS`` distinct members sign in within 5 (virtual) seconds."""
    for n in range(MEMBERS):
        bot.app.submit(bot.message("/signin", user=f"m{n}", group=group))
        timer.advance(5.0 / MEMBERS)
    await bot.app.intake.drain()
    await bot.app.limits.settle()


async def test_a_thousand_signins_in_five_seconds_are_all_recorded_paid_and_answered(
    make_bot,  # type: ignore[no-untyped-def]
) -> None:
    bot: Harness = await make_bot(signin, points)
    bot.app.timer = timer = VirtualTimer()
    await _surge(bot, timer, "busy")

    answers = [s.text for s in bot.sent if s.scene.id == "busy"]
    assert len(answers) == MEMBERS
    assert all(any(f"m{n} signed in" in a for a in answers) for n in (0, 499, MEMBERS - 1))
    named = {a.split(" signed in")[0].split()[-1] for a in answers}
    assert named == {f"m{n}" for n in range(MEMBERS)}
    async with bot.app.db.session() as session:
        rows = (
            await session.exec(
                select(LedgerEntry.person, func.count()).group_by(LedgerEntry.person)
            )
        ).all()
    assert len(rows) == MEMBERS and all(count == 1 for _, count in rows)  # each paid once
    assert bot.app.limits.rejected == 0 and not bot.app.limits.dropped
    assert bot.app.intake.dropped == 0
    # The group's bucket (200 at once, 50 a second) spread the surge over time instead.
    settings = bot.settings.limits
    assert timer.now >= (MEMBERS - settings.group_burst) / settings.group_per_second


async def test_beyond_the_group_queue_drops_are_counted_and_shown(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(
        signin, limits={"group_queue": 100, "group_burst": 10, "group_per_second": 1.0}
    )
    bot.app.timer = VirtualTimer()
    for n in range(150):  # all at once: 100 wait, 50 are dropped
        bot.app.submit(bot.message("/signin", user=f"m{n}", group="packed"))
    assert bot.app.limits.waiting("test:packed") == 100
    assert bot.app.limits.dropped["test:packed"] == 50
    await bot.app.intake.drain()
    await bot.app.limits.settle()
    assert sum("signed in" in s.text for s in bot.sent) == 100
    assert sum("more than the bot can take" in s.text for s in bot.sent) == 1
    assert bot.app.limits.waiting("test:packed") == 0


async def test_one_member_sending_a_hundred_commands_is_still_limited(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(signin, points)
    bot.app.timer = VirtualTimer()
    for n in range(100):
        bot.app.submit(bot.message(f"/points {n}", user="flooder", group="busy"))
    await bot.app.intake.drain()
    await bot.app.limits.settle()
    burst = bot.settings.limits.user_burst
    assert bot.app.limits.rejected == 100 - burst
    assert sum("slow down" in s.text for s in bot.sent) == 1
    assert not bot.app.limits.dropped
