"""Updates aiogram rejects that still carry a press or a membership change, polled in one
batch with a broken update: the salvage delivers them and the batch goes on. Shapes from the
Bot API reference (``CallbackQuery``, ``ChatMemberUpdated``, ``ChatMemberRestricted``)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import ButtonPressed, Event, MemberLeft
from tests.adapters.telegram.conftest import MakeTelegram
from tests.adapters.telegram.fake_bot_api import FakeBotAPI, supergroup
from tests.corpus.replay import Recorder

ANN = {"id": 7001, "is_bot": False, "first_name": "Ann", "username": "ann"}
GROUP = supergroup(-100555, "Readers")


async def delivered(recorder: Recorder, count: int) -> list[Event]:
    async with asyncio.timeout(10):
        while len(recorder.events) < count:  # noqa: ASYNC110 - no event to wait on
            await asyncio.sleep(0.01)
    return recorder.events


def restricted(*, is_member: bool, **extra: Any) -> dict[str, Any]:
    """A restricted member as a 2025 recording has it: no ``can_react_to_messages``."""
    return {
        "user": {**ANN, **extra},
        "status": "restricted",
        "until_date": 0,
        "can_send_messages": True,
        "is_member": is_member,
    }


async def test_a_press_on_a_message_aiogram_rejects_is_answered_and_delivered(
    api: FakeBotAPI, telegram: MakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    recorder = Recorder()
    recorder.install(bot.app)
    # A photo message without a caption whose photo sizes are broken (no width): nothing of
    # the message but its ids and chat survives, which is all a press needs.
    message = {
        "message_id": 31,
        "date": int(time.time()),
        "chat": GROUP,
        "photo": [{"file_id": "p1", "file_unique_id": "u1"}],
    }
    query = {"id": "q-1", "from": ANN, "chat_instance": "ci", "data": "red", "message": message}
    with caplog.at_level(logging.WARNING, logger="shequn.telegram"):
        await api.push_raw({"update_id": 1, "callback_query": "not a query"})
        await api.push(update_id=2, callback_query=query)
        (answer,) = await api.wait_for("answerCallbackQuery")
        (event,) = await delivered(recorder, 1)
    assert answer["callback_query_id"] == "q-1"
    assert isinstance(event, ButtonPressed)
    assert (event.data, event.user.id, event.scene.id) == ("red", "7001", str(GROUP["id"]))
    assert event.message_id == "31"
    assert "update 2 read partly; skipped what failed: callback_query.message" in caplog.text


async def test_a_restricted_member_leaving_is_delivered_despite_a_broken_field(
    api: FakeBotAPI, telegram: MakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    recorder = Recorder()
    recorder.install(bot.app)
    change = {
        "chat": GROUP,
        "from": ANN,
        "date": int(time.time()),
        "old_chat_member": restricted(is_member=True),
        "new_chat_member": restricted(is_member=False, is_premium="sometimes"),
        "invite_link": {"invite_link": "https://t.me/+x"},  # broken: no creator
    }
    with caplog.at_level(logging.INFO, logger="shequn.telegram"):
        await api.push_raw({"update_id": 1, "chat_member": []})
        await api.push(update_id=2, chat_member=change)
        (event,) = await delivered(recorder, 1)
    assert isinstance(event, MemberLeft)
    assert (event.user.id, event.kicked, event.operator) == ("7001", False, None)
    assert "update 2 read partly" in caplog.text
    assert "new_chat_member.restricted.user.is_premium" in caplog.text


async def test_missing_rights_are_filled_quietly_and_nothing_is_dropped(
    api: FakeBotAPI, telegram: MakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    recorder = Recorder()
    recorder.install(bot.app)
    change = {
        "chat": GROUP,
        "from": ANN,
        "date": int(time.time()),
        "old_chat_member": restricted(is_member=True),
        "new_chat_member": restricted(is_member=False),
    }
    with caplog.at_level(logging.INFO, logger="shequn.telegram"):
        await api.push(update_id=3, chat_member=change)
        (event,) = await delivered(recorder, 1)
    assert isinstance(event, MemberLeft) and event.user.id == "7001"
    filled = [r for r in caplog.records if "filled with safe defaults" in r.getMessage()]
    assert [r.levelno for r in filled] == [logging.INFO]
    assert "chat_member.new_chat_member.restricted.can_react_to_messages" in filled[0].getMessage()
    assert "new_chat_member.restricted.can_send_polls" in filled[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
