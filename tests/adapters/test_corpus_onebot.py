"""Real OneBot events (``tests/corpus/onebot11`` for QQ, ``onebot12`` for WeChat bridges) sent
by a WebSocket client that connects to the bot's reverse WebSocket as an implementation does.

Each event must become the core event its expectation names, or be skipped on purpose with
no more than an INFO line; none may log an error. A fresh bot takes each event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.qq.conftest import TOKEN, Running, running_bot, wait_until
from tests.adapters.qq.fake import text_of, v11_group_message, v12_group_message
from tests.corpus.replay import Entry, Recorder, check, check_logs, params

SETTLE = 0.3
"""Seconds an event is given to (wrongly) make a second event, or a skipped one any."""
SENTINEL = "corpus sentinel"


def account_of(entry: Entry) -> str:
    """The account the event was recorded for (v12 names it in ``self``)."""
    payload = entry.payload
    if isinstance(payload.get("self"), dict):
        return str(payload["self"]["user_id"])
    return str(payload.get("self_id", "123234"))


def sentinel(version: int, account: str) -> dict[str, Any]:
    if version == 11:
        return v11_group_message(account, 7001, 42, SENTINEL, message_id=999_999)
    return v12_group_message(account, "7001", "42", SENTINEL, event_id="s1", message_id="s1")


@pytest.fixture
async def qq(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "qq", {"access_token": TOKEN}) as running:
        yield running


@pytest.fixture
async def wechat(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "wechat", {"access_token": TOKEN}) as running:
        yield running


async def replay(
    running: Running, version: int, entry: Entry, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    recorder.install(running.app)
    account = account_of(entry)
    fake = await running.client(account, version=version)
    if "get_msg" in entry.extra:
        fake.responders["get_msg"] = lambda _params: entry.extra["get_msg"]
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        await fake.send(entry.payload)
        if entry.skipped:
            await fake.send(sentinel(version, account))
            await wait_until(lambda: any(_is_sentinel(e) for e in recorder.events))
            await asyncio.sleep(SETTLE)
        else:
            with contextlib.suppress(TimeoutError):  # check() says what was expected
                await wait_until(lambda: bool(recorder.events), 5)
            await asyncio.sleep(SETTLE)
        if "reply_contains" in entry.expect:
            action = "send_group_msg" if version == 11 else "send_message"
            (sent,) = await fake.wait_for(action)
            assert entry.expect["reply_contains"] in text_of(sent)
    check(entry, [e for e in recorder.events if not _is_sentinel(e)])
    check_logs(entry, caplog.records)


def _is_sentinel(event: object) -> bool:
    return getattr(event, "text", None) == SENTINEL


@pytest.mark.parametrize("entry", params("onebot11"))
async def test_v11_event_becomes_the_expected_event(
    entry: Entry, qq: Running, caplog: pytest.LogCaptureFixture
) -> None:
    await replay(qq, 11, entry, caplog)


@pytest.mark.parametrize("entry", params("onebot12"))
async def test_v12_event_becomes_the_expected_event(
    entry: Entry, wechat: Running, caplog: pytest.LogCaptureFixture
) -> None:
    await replay(wechat, 12, entry, caplog)
