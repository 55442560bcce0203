"""Rate limits: one person's flood is cut at the door, nobody else waits or loses anything."""

from __future__ import annotations

import tomllib
from pathlib import Path

from plugins.signin import plugin as signin
from shequn.internal.limits import LOCALES
from shequn.testing import Harness


async def test_a_flood_of_one_user_is_rejected_newest_first_with_one_notice(make_bot) -> None:  # type: ignore[no-untyped-def]
    # A refill rate far below the test's duration: the figures below do not depend on how
    # fast this machine submits a thousand events.
    bot: Harness = await make_bot(signin, limits={"user_per_second": 0.001})
    handled: list[str] = []
    original = bot.app.intake._handle

    async def counting(event) -> None:  # type: ignore[no-untyped-def]
        handled.append(f"{event.scene.id}:{event.user.id}:{event.text}")
        await original(event)

    bot.app.intake._handle = counting
    for i in range(1_000):  # a thousand commands at once from one person
        bot.app.submit(bot.message(f"/points {i}", user="flooder", group="noisy"))
    bot.app.submit(bot.message("/signin", user="bob", group="noisy"))
    bot.app.submit(bot.message("/signin", user="carol", group="quiet"))
    await bot.app.intake.drain()
    await bot.app.limits.settle()

    burst = bot.settings.limits.user_burst
    flooded = [h for h in handled if ":flooder:" in h]
    # The first ones in (a burst) were handled in order; the newest were rejected.
    assert flooded == [f"noisy:flooder:/points {i}" for i in range(burst)]
    assert "noisy:bob:/signin" in handled and "quiet:carol:/signin" in handled
    assert bot.app.intake.dropped == 0  # nobody else's waiting event was dropped
    assert bot.app.limits.rejected == 1_000 - burst
    notices = [s for s in bot.sent if "slow down" in s.text]
    assert len(notices) == 1 and notices[0].scene.id == "noisy"
    assert await bot.balance("bob", "noisy") > 0 and await bot.balance("carol", "quiet") > 0


async def test_superusers_and_joins_are_never_limited(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(superusers=["test:root"])
    for i in range(100):
        assert bot.app.limits.admit(bot.message(f"m{i}", user="root"))
    for i in range(100):
        assert bot.app.limits.admit(bot.platform.join_event(f"u{i}", "group", None))


async def test_limits_can_be_switched_off(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(limits={"enabled": False})
    assert all(bot.app.limits.admit(bot.message(f"m{i}")) for i in range(500))


async def test_a_group_flood_by_many_accounts_waits_then_overflows_its_queue(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(
        limits={"group_burst": 50, "group_per_second": 0.001, "group_queue": 200}
    )
    admitted = [bot.app.limits.admit(bot.message("hi", user=f"sock{i}")) for i in range(300)]
    assert sum(admitted) == 200  # they wait for the group's rate; the rest is dropped
    assert bot.app.limits.dropped["test:group"] == 100
    assert bot.app.limits.admit(bot.message("hi", user="sock0", group="other"))
    await bot.app.limits.settle()
    assert sum("more than the bot can take" in s.text for s in bot.sent) == 1


def test_locales_have_the_same_keys() -> None:
    keys = [
        set(tomllib.loads((LOCALES / f"{locale}.toml").read_text(encoding="utf-8")))
        for locale in ("en", "zh-CN")
    ]
    assert keys[0] == keys[1] and keys[0]
    assert Path(LOCALES).is_dir()
