"""WeChat as members really use it: a mention of the bot, an image or an emoji before the
command. A fake OneBot v12 bridge over a real WebSocket; segment shapes from the OneBot v12
spec (``mention`` with ``user_id``, ``image`` with ``file_id``). WeChat bridges send emoji as
text (``[微笑]``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.qq.conftest import TOKEN, Running, running_bot
from tests.adapters.qq.fake import text_of, v12_group_message

BOT = "wxid_bot"
GROUP = "1234@chatroom"

MENTION_BOT = {"type": "mention", "data": {"user_id": BOT}}
IMAGE = {"type": "image", "data": {"file_id": "e30f0f5a-photo"}}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "data": {"text": value}}


@pytest.fixture
async def wechat(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "wechat", {"access_token": TOKEN}) as running:
        yield running


@pytest.mark.parametrize(
    "segments",
    [
        [MENTION_BOT, text(" 签到")],
        [IMAGE, MENTION_BOT, text(" /signin")],
        [IMAGE, text("签到")],
        [text("[微笑]签到")],
        [text("[强][强] /signin")],
    ],
    ids=["mention", "image-mention", "image", "text-face", "text-faces"],
)
async def test_leading_segments_never_hide_a_command(
    wechat: Running, segments: list[dict[str, Any]]
) -> None:
    bridge = await wechat.client(BOT, version=12)
    frame = v12_group_message(BOT, GROUP, "wxid_ann", segments, event_id="e1", message_id="m1")
    await bridge.send(frame)
    [sent] = await bridge.wait_for("send_message")
    assert "signed in" in text_of(sent)
