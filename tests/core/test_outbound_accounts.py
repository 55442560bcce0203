"""Each bot account of a platform keeps its own outbound window.

QQ limits (and risk-controls) each account, not the platform: two accounts speaking in two
groups may each send their ``messages_per_minute``. A group spoken by one account still
waits for that account's window.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from shequn import Adapter, App, Message, Pace, Scene, SceneKind, Text
from shequn.testing import VirtualTimer
from shequn.testing.pytest_plugin import MakeBot
from tests.adapters.qq.conftest import TOKEN, running_bot, wait_until
from tests.adapters.qq.fake import FakeOneBot, v11_group_message

PER_MINUTE = 3
SPEAKERS = {"g1": "a", "g2": "b", "g3": "a"}
"""Which account speaks in which group."""


class TwoAccounts(Adapter):
    """A platform with two accounts: ``a`` speaks in groups ``g1`` and ``g3``, ``b`` in ``g2``."""

    platform = "multi"
    pace = Pace(group=(100, 1.0), private=(100, 1.0), account=(PER_MINUTE, 60.0), max_text=500)

    def __init__(self, app: App, timer: VirtualTimer) -> None:
        super().__init__(app)
        self.timer = timer
        self.sent: list[tuple[str, str, float]] = []
        """(account, group, virtual time) of each message sent."""

    async def run(self) -> None:
        return None

    def speaker(self, scene: Scene) -> str:
        return SPEAKERS[scene.id]

    async def send(self, scene: Scene, message: Message) -> str:
        self.sent.append((self.speaker(scene), scene.id, self.timer.monotonic()))
        return str(len(self.sent))


def group(platform: str, id: str) -> Scene:
    return Scene(platform=platform, kind=SceneKind.GROUP, id=id)


async def send_each(app: App, scenes: list[Scene], count: int) -> None:
    """``count`` plain messages (each waits for its own id) into each scene, all at once."""
    async with asyncio.timeout(30):
        await asyncio.gather(
            *(
                app.send(scene, Message([Text(f"note {n}")]))
                for scene in scenes
                for n in range(count)
            )
        )


async def test_two_accounts_in_two_groups_each_send_their_own_pace(make_bot: MakeBot) -> None:
    bot = await make_bot()
    bot.app.timer = timer = VirtualTimer()
    adapter = TwoAccounts(bot.app, timer)
    bot.app.add_adapter(adapter)
    g1, g2, g3 = (group("multi", g) for g in ("g1", "g2", "g3"))

    await send_each(bot.app, [g1, g2], PER_MINUTE)
    # Both accounts sent their whole minute at once: neither waited for the other.
    assert sorted(adapter.sent) == [("a", "g1", 0.0)] * PER_MINUTE + [("b", "g2", 0.0)] * PER_MINUTE

    timer.advance(120.0)  # both windows free again
    adapter.sent.clear()
    await send_each(bot.app, [g1], PER_MINUTE)  # a's minute is spent
    await send_each(bot.app, [g3, g2], 1)
    times = {(account, place): at for account, place, at in adapter.sent[PER_MINUTE:]}
    assert times[("b", "g2")] == 120.0  # b is not held up by a's full window
    assert times[("a", "g3")] >= 180.0  # a's other group waits for a's window


async def test_two_qq_accounts_each_have_their_messages_per_minute(tmp_path: Path) -> None:
    section = {
        "access_token": TOKEN,
        "group_messages_per_second": 1000.0,
        "messages_per_minute": PER_MINUTE,
    }
    async with running_bot(tmp_path, "qq", section) as bot:
        bot.app.timer = timer = VirtualTimer()
        fakes: dict[str, FakeOneBot] = {
            "777": await bot.client("10001"),
            "888": await bot.client("10002"),
        }
        for number, (place, fake) in enumerate(fakes.items()):
            # Each account sees its own group only: it is that group's speaker.
            frame = v11_group_message(fake.self_id, int(place), 9000, "hi", message_id=number)
            await fake.send(frame)
        await wait_until(
            lambda: all(bot.adapter.accounts.speaker(p) == f.self_id for p, f in fakes.items())
        )
        await send_each(bot.app, [group("qq", place) for place in fakes], PER_MINUTE)
        assert timer.now < 1.0  # a shared window would have held three back for a minute
        for place, fake in fakes.items():
            sends = fake.named("send_group_msg")
            assert len(sends) == PER_MINUTE
            assert {a.params["group_id"] for a in sends} == {int(place)}
