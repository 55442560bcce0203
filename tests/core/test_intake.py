"""Platform events: ordered within a scene, concurrent across scenes, bounded per scene."""

from __future__ import annotations

import asyncio

from shequn.internal.intake import Intake
from shequn.testing import Harness


async def test_order_within_scene_and_concurrency_across(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    seen: list[tuple[str, str]] = []
    release = asyncio.Event()

    async def handle(event) -> None:  # type: ignore[no-untyped-def]
        if event.scene.id == "slow":
            await release.wait()
        seen.append((event.scene.id, event.text))

    intake = Intake(handle)
    for i in range(5):
        intake.submit(bot.message(f"s{i}", group="slow"))
        intake.submit(bot.message(f"f{i}", group="fast"))
    await asyncio.sleep(0.05)
    # The slow group waits; the fast one was not held up by it.
    assert seen == [("fast", f"f{i}") for i in range(5)]
    release.set()
    await intake.drain()
    assert [t for g, t in seen if g == "slow"] == [f"s{i}" for i in range(5)]


async def test_flooded_scene_keeps_newest_and_others_unaffected(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    seen: list[str] = []

    async def handle(event) -> None:  # type: ignore[no-untyped-def]
        seen.append(event.text)

    intake = Intake(handle, limit=10)
    for i in range(100):
        intake.submit(bot.message(f"m{i}", group="flood"))
    intake.submit(bot.message("calm", group="calm"))
    await intake.drain()
    assert intake.dropped == 90
    assert "calm" in seen and "m99" in seen and "m0" not in seen


async def test_app_submit_reaches_the_dispatcher(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    bot.app.submit(bot.message("/help"))
    await bot.app.intake.drain()
    assert "Commands" in bot.sent[-1].text
