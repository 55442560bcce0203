"""A WeChat message with nothing plugins read (a voice message, a file) is not handed on,
as on QQ and Telegram; the next message is. A fake OneBot v12 bridge over a real WebSocket;
segment shapes from the OneBot v12 spec (``voice`` and ``file`` with ``file_id``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shequn import MessageEvent
from tests.adapters.qq.conftest import TOKEN, Running, running_bot
from tests.adapters.qq.fake import v12_group_message
from tests.corpus.replay import Recorder

BOT = "wxid_bot"
GROUP = "1234@chatroom"


@pytest.fixture
async def wechat(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "wechat", {"access_token": TOKEN}) as running:
        yield running


async def test_a_voice_message_is_skipped_and_the_next_text_arrives(
    wechat: Running, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    recorder.install(wechat.app)
    bridge = await wechat.client(BOT, version=12)
    voice = [{"type": "voice", "data": {"file_id": "a1b2-voice"}}]
    card = [{"type": "file", "data": {"file_id": "c3d4-file"}}]
    with caplog.at_level(logging.DEBUG, logger="shequn.wechat"):
        for n, segments in enumerate((voice, card)):
            await bridge.send(
                v12_group_message(
                    BOT, GROUP, "wxid_ann", segments, event_id=f"e{n}", message_id=f"m{n}"
                )
            )
        await bridge.send(
            v12_group_message(BOT, GROUP, "wxid_ann", "hello", event_id="e9", message_id="m9")
        )
        async with asyncio.timeout(10):
            while not recorder.events:  # noqa: ASYNC110 - the dispatcher has no event to wait on
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
    (event,) = recorder.events
    assert isinstance(event, MessageEvent) and event.text == "hello"
    assert "m0 in wechat:1234@chatroom skipped: nothing plugins read (voice)" in caplog.text
    assert "m1 in wechat:1234@chatroom skipped: nothing plugins read (file)" in caplog.text
