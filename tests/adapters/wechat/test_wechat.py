"""The WeChat adapter end to end: a fake OneBot v12 bridge over a real WebSocket."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import websockets

from tests.adapters.qq.conftest import TOKEN, Running, running_bot
from tests.adapters.qq.fake import FakeOneBot, text_of, v12_group_message, v12_notice

BOT = "wxid_bot"
GROUP = "1234@chatroom"


@pytest.fixture
async def wechat(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "wechat", {"access_token": TOKEN}) as running:
        yield running


def message(text: str, n: int, user: str = "wxid_ann") -> dict[str, object]:
    return v12_group_message(BOT, GROUP, user, text, event_id=f"e{n}", message_id=f"m{n}")


async def test_connect_then_group_message_answered(wechat: Running) -> None:
    bridge = await wechat.client(BOT, version=12)
    await bridge.send(message("/signin", 1))
    [sent] = await bridge.wait_for("send_message")
    assert sent.params["detail_type"] == "group"
    assert sent.params["group_id"] == GROUP
    assert "signed in" in text_of(sent)
    await bridge.send(message("签到", 2, user="wxid_bo"))
    sent = (await bridge.wait_for("send_message", 2))[1]
    assert "signed in" in text_of(sent)
    await bridge.send(message("签到", 2, user="wxid_bo"))  # redelivered: no second answer
    await asyncio.sleep(0.3)
    assert len(bridge.named("send_message")) == 2


async def test_inviter_credited_and_departures(wechat: Running) -> None:
    bridge = await wechat.client(BOT, version=12)
    await bridge.send(
        v12_notice(
            BOT,
            "group_member_increase",
            event_id="n1",
            sub_type="invite",
            group_id=GROUP,
            user_id="wxid_new",
            operator_id="wxid_ann",
        )
    )
    [sent] = await bridge.wait_for("send_message")
    assert "invited by wxid_ann (operator_id)" in text_of(sent)
    assert await wechat.balance("wechat", "wxid_ann", GROUP) == 5


async def test_kick_where_the_bridge_supports_it(wechat: Running) -> None:
    bridge = await wechat.client(BOT, version=12)
    bridge.responders["get_supported_actions"] = lambda _p: ["send_message", "kick_group_member"]
    await bridge.send(message("/boot @wxid_x", 1))
    [kick] = await bridge.wait_for("kick_group_member")
    assert kick.params["group_id"] == GROUP


async def test_kick_not_supported_says_so(wechat: Running) -> None:
    bridge = await wechat.client(BOT, version=12)
    bridge.responders["get_supported_actions"] = lambda _p: ["send_message"]
    await bridge.send(message("/boot @wxid_x", 1))
    [sent] = await bridge.wait_for("send_message")
    assert "not supported on WeChat" in text_of(sent)


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_wrong_or_missing_token_refused(wechat: Running, token: str | None) -> None:
    bridge = FakeOneBot(wechat.url(12), BOT, token, version=12)
    with pytest.raises(websockets.exceptions.WebSocketException):
        await bridge.connect()
        assert bridge.ws is not None
        await asyncio.wait_for(bridge.ws.recv(), 5)
    assert wechat.adapter.bots == {}


async def test_malformed_frames_skipped(wechat: Running, caplog: pytest.LogCaptureFixture) -> None:
    bridge = await wechat.client(BOT, version=12)
    with caplog.at_level(logging.WARNING):
        await bridge.send("<<not json>>")
        await bridge.send({"type": "message", "detail_type": "group", "id": 3})
        await bridge.send(message("/signin", 9))
        [sent] = await bridge.wait_for("send_message")
    assert "signed in" in text_of(sent)
    assert "malformed frame" in caplog.text


def test_token_required_unless_disabled() -> None:
    from pydantic import ValidationError

    from adapters.wechat.settings import WeChatSettings

    with pytest.raises(ValidationError, match="access_token is required"):
        WeChatSettings()
    assert WeChatSettings(access_token_required=False, kick_action="x").kick_candidates() == ("x",)
