"""Secrets never reach the logs: a full start of ``bot.py`` at DEBUG with every token set,
a Telegram round trip, OneBot connections with a right and a wrong token — then no token or
secret appears anywhere in what the process printed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest
import websockets

from tests.adapters.qq.fake import FakeOneBot, v11_group_message
from tests.adapters.telegram.conftest import api  # noqa: F401  (the fixture)
from tests.adapters.telegram.fake_bot_api import TOKEN, FakeBotAPI, person, supergroup

ROOT = Path(__file__).resolve().parents[2]
QQ_TOKEN = "qq-Secret-7f3a9c"
WECHAT_TOKEN = "wechat-Secret-51be02"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_no_secret_in_debug_logs(api: FakeBotAPI, tmp_path: Path) -> None:  # noqa: F811
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEQUN_")}
    env |= {
        "SHEQUN_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "SHEQUN_WEB__PORT": str(port),
        "SHEQUN_TELEGRAM__TOKEN": TOKEN,
        "SHEQUN_TELEGRAM__API_BASE": api.base,
        "SHEQUN_TELEGRAM__POLL_TIMEOUT": "1",
        "SHEQUN_QQ__ACCESS_TOKEN": QQ_TOKEN,
        "SHEQUN_WECHAT__ACCESS_TOKEN": WECHAT_TOKEN,
        "SHEQUN_LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "bot.py",
        "--log-level",
        "DEBUG",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for("getMe", within=60)
        await api.push(
            message=api.message("/signin", user=person(7, "Dora", "dora"), chat=supergroup())
        )
        (answer,) = await api.wait_for("sendMessage", within=60)
        assert "signed in" in str(answer["text"])
        url = f"ws://127.0.0.1:{port}/onebot/v11/ws"
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await FakeOneBot(url, "10000", token=QQ_TOKEN[:-1] + "x").connect()
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await FakeOneBot(url, "10000", token=None).connect()
        client = await FakeOneBot(url, "10000", token=QQ_TOKEN).connect()
        await client.send(v11_group_message("10000", 1, 42, "/signin", message_id=5))
        await client.wait_for("send_group_msg")
        await client.close()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    printed = (stdout + stderr).decode("utf-8", "replace")
    assert "DEBUG" in printed  # the logs were as verbose as they get
    for secret in (TOKEN, TOKEN.split(":")[1], QQ_TOKEN, WECHAT_TOKEN):
        assert secret not in printed, f"a secret was logged: {secret[:4]}..."
