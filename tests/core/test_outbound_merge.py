"""200 sign-ins in one Telegram group: merged into few messages, everyone named, none lost."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from adapters.telegram.pacing import Pacer
from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import App, Message, Scene
from shequn.internal.models import LedgerEntry
from shequn.testing import VirtualTimer
from tests.adapters.telegram.conftest import MakeTelegram, api, telegram
from tests.adapters.telegram.fake_bot_api import FakeBotAPI, person, supergroup

__all__ = ["api", "telegram"]  # the fixtures, used by name
GROUP = supergroup(-100888, "Double points")
MEMBERS = 200


async def _signed_in(app: App) -> int:
    async with app.db.session() as session:
        return int((await session.exec(select(func.count()).select_from(LedgerEntry))).one()[0])


async def test_two_hundred_signins_are_answered_in_few_messages_within_two_minutes(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    bot.app.timer = timer = VirtualTimer()
    bot.adapter.pacer = Pacer(timer=timer)  # Telegram's 20 a minute per group, on virtual time
    bot.adapter.pace = bot.adapter.pacer.pace
    sent_at: list[float] = []
    deliver = bot.adapter.send

    async def timed(scene: Scene, message: Message) -> str:
        message_id = await deliver(scene, message)
        sent_at.append(timer.monotonic())
        return message_id

    bot.adapter.send = timed  # type: ignore[method-assign]
    names = [f"Member{n:03d}" for n in range(MEMBERS)]
    for n, name in enumerate(names):
        await api.push(message=api.message("/signin", user=person(5000 + n, name), chat=GROUP))
    timer.paused = True  # they all arrive within the same virtual moment
    async with asyncio.timeout(60):
        while await _signed_in(bot.app) < MEMBERS:  # noqa: ASYNC110 - polls the database
            await asyncio.sleep(0.05)
    await bot.settle()
    timer.resume()
    await bot.app.outbound.drain()

    texts = [str(c["text"]) for c in api.calls_of("sendMessage")]
    assert len(texts) <= 40
    assert all(len(t) <= 4096 for t in texts)
    for name in names:  # everyone is answered, by name, once
        assert sum(t.count(f"{name} signed in") for t in texts) == 1, name
    assert max(sent_at) <= 120.0
    assert bot.app.outbound.merged >= MEMBERS - 20
    assert bot.app.limits.rejected == 0 and not bot.app.limits.dropped
