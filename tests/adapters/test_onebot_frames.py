"""OneBot reverse WebSockets, v11 (QQ) and v12 (WeChat bridges), over the real server.

Frames nonebot's adapter cannot read (JSON nested past Python's recursion limit, text that
is not UTF-8, binary frames that do not parse) are logged and skipped, and the connection
goes on. Events sent the moment a connection opens are handled in the order sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
import websockets
from websockets.protocol import State

from shequn import Context, MessageEvent, Plugin
from tests.adapters.qq.conftest import TOKEN, Running, running_bot, wait_until
from tests.adapters.qq.fake import (
    FakeOneBot,
    connect_event,
    text_of,
    v11_group_message,
    v12_group_message,
)

QQ_BOT = "10001"
QQ_GROUP = 7001
WX_BOT = "wxid_bot"
WX_GROUP = "1234@chatroom"
BURST = 30

recorder = Plugin("recorder", title="Recorder")
seen: list[str] = []


@recorder.on(MessageEvent)
async def record(ctx: Context) -> None:
    assert isinstance(ctx.event, MessageEvent)
    if ctx.event.text.startswith("m"):
        seen.append(ctx.event.text)


@pytest.fixture(params=[11, 12], ids=["v11", "v12"])
async def onebot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Running]:
    platform = "qq" if request.param == 11 else "wechat"
    seen.clear()
    async with running_bot(tmp_path, platform, {"access_token": TOKEN}, [recorder]) as running:
        yield running


def version_of(running: Running) -> int:
    return 11 if running.adapter.platform == "qq" else 12


def group_message(
    version: int, text: str, n: int, self_id: str = "", user: int = 42
) -> dict[str, Any]:
    if version == 11:
        return v11_group_message(self_id or QQ_BOT, QQ_GROUP, user, text, message_id=n)
    return v12_group_message(
        self_id or WX_BOT, WX_GROUP, f"wxid_{user}", text, event_id=f"e{n}", message_id=f"m{n}"
    )


def send_action(version: int) -> str:
    return "send_group_msg" if version == 11 else "send_message"


def lifecycle(version: int, self_id: str = QQ_BOT) -> dict[str, Any]:
    """What an implementation sends first: v11's lifecycle meta event, v12's connect."""
    if version == 12:
        return connect_event()
    return {
        "time": int(time.time()),
        "self_id": int(self_id),
        "post_type": "meta_event",
        "meta_event_type": "lifecycle",
        "sub_type": "connect",
    }


async def test_unreadable_frames_are_skipped_and_the_connection_stays_open(
    onebot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    version = version_of(onebot)
    fake = await onebot.client(QQ_BOT if version == 11 else WX_BOT, version=version)
    assert fake.ws is not None
    with caplog.at_level(logging.WARNING):
        if version == 11:
            await fake.send(lifecycle(version))
        await fake.send("[" * 100_000)  # past the recursion limit of json.loads
        await fake.send('{"post_type": "message", ' + '"x": [' * 5_000 + "]" * 5_000 + "}")
        await fake.ws.send(b'{"post_type": "message", "raw": "\xff\xfe"}', text=True)
        await fake.ws.send(b"\x00\x9f garbage, not JSON nor msgpack \xff")
        await fake.send(group_message(version, "/signin", 2))
        [sent] = await fake.wait_for(send_action(version))
    assert "signed in" in text_of(sent)
    assert fake.ws.state is State.OPEN
    assert caplog.text.count("malformed frame (text, unreadable)") == 2, caplog.text
    assert caplog.text.count("malformed frame (text that is not UTF-8)") == 1, caplog.text
    assert caplog.text.count("malformed frame (binary, unreadable)") == 1, caplog.text


async def test_binary_frames_that_parse_are_still_read(onebot: Running) -> None:
    """v12 bridges may send MessagePack; nonebot's v11 adapter reads JSON in binary frames."""
    version = version_of(onebot)
    fake = await onebot.client(QQ_BOT if version == 11 else WX_BOT, version=version)
    assert fake.ws is not None
    event = group_message(version, "/signin", 3)
    await fake.ws.send(msgpack.packb(event) if version == 12 else json.dumps(event).encode())
    [sent] = await fake.wait_for(send_action(version))
    assert "signed in" in text_of(sent)


async def test_events_sent_as_the_connection_opens_are_handled_in_order(onebot: Running) -> None:
    """The implementation does not wait for anything after the handshake: the first events
    may arrive before Shequn's adapter has taken the connection over, the next ones after.
    Each round paces its frames differently, so the handover falls at different places."""
    version = version_of(onebot)
    for turn, pause in enumerate((0, 1, 2, 3, 5, 8)):
        seen.clear()
        texts = [f"m{turn}-{i}" for i in range(BURST)]
        self_id = f"{QQ_BOT}{turn}" if version == 11 else f"{WX_BOT}{turn}"
        headers = FakeOneBot(onebot.url(version), self_id, TOKEN, version).headers()
        async with websockets.connect(onebot.url(version), additional_headers=headers) as ws:
            replies = asyncio.create_task(_answer(ws))
            await ws.send(json.dumps(lifecycle(version, self_id)))
            for i, text in enumerate(texts):
                frame = group_message(version, text, 1000 * turn + i, self_id, user=100 + i)
                await ws.send(json.dumps(frame))
                for _ in range(pause):  # let the server run a little between two frames
                    await asyncio.sleep(0)
            try:
                await wait_until(lambda: len(seen) == BURST)
            finally:
                replies.cancel()
        assert seen == texts, f"round {turn}"


async def _answer(ws: websockets.ClientConnection) -> None:
    """Answer the adapter's calls (v11's group list) so nothing waits on them."""
    async for raw in ws:
        frame = json.loads(raw)
        await ws.send(json.dumps({"status": "ok", "retcode": 0, "data": [], "echo": frame["echo"]}))
