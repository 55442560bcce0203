"""100 sign-ins in one QQ group at one moment: answered within QQ's pace, merged, none lost."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from shequn import App, Message, Scene
from shequn.internal.models import LedgerEntry
from shequn.testing import VirtualTimer
from tests.adapters.qq.conftest import TOKEN, running_bot
from tests.adapters.qq.fake import Action, text_of, v11_group_message

BOT = "10001"
GROUP = 777
MEMBERS = 100
SECTION = {"access_token": TOKEN, "group_messages_per_second": 1.0, "messages_per_minute": 20}


async def signed_in(app: App) -> int:
    async with app.db.session() as session:
        return int((await session.exec(select(func.count()).select_from(LedgerEntry))).one()[0])


def shown(action: Action) -> str:
    """The text a group sees: a plain message's, or every node's of a merged forward."""
    if action.name != "send_group_forward_msg":
        return text_of(action)
    nodes: list[dict[str, Any]] = action.params["messages"]
    return "\n".join(
        s["data"].get("text", "")
        for node in nodes
        for s in node["data"]["content"]
        if s["type"] == "text"
    )


def most_in_any(times: list[float], period: float) -> int:
    """The most sends that fell in any sliding window of ``period`` seconds."""
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + period) for i, start in enumerate(times))


async def test_a_hundred_signins_at_once_are_all_answered_within_the_pace(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path, "qq", SECTION) as bot:
        bot.app.timer = timer = VirtualTimer()
        sent_at: list[float] = []
        deliver = bot.adapter.send

        async def timed(scene: Scene, message: Message) -> str:
            sent_at.append(timer.monotonic())
            return await deliver(scene, message)

        bot.adapter.send = timed  # type: ignore[method-assign]
        fake = await bot.client(BOT)
        timer.paused = True  # they all arrive within the same (virtual) moment
        names = [f"Member{n:03d}" for n in range(MEMBERS)]
        for n, name in enumerate(names):
            frame = v11_group_message(BOT, GROUP, 9000 + n, "/signin", message_id=n, name=name)
            await fake.send(frame)
        async with asyncio.timeout(60):
            while await signed_in(bot.app) < MEMBERS:  # noqa: ASYNC110 - polls the database
                await asyncio.sleep(0.05)
        await bot.app.intake.drain()  # every reply is queued before the clock moves
        timer.resume()
        await bot.app.outbound.drain()
        sends = [a for a in fake.actions if a.name in ("send_group_msg", "send_group_forward_msg")]

    texts = [shown(a) for a in sends]
    for name in names:  # everyone is answered, by name, once
        assert sum(t.count(f"{name} signed in") for t in texts) == 1, name
    assert len(sends) == len(sent_at) < 10  # merged, not a hundred messages
    assert most_in_any(sent_at, 1.0) <= 1  # one a second in the group
    assert most_in_any(sent_at, 60.0) <= 20  # twenty a minute for the account
    assert all(len(t) <= 4500 for t in texts)
    assert bot.app.limits.rejected == 0 and not bot.app.limits.dropped
