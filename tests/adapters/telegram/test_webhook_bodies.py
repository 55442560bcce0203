"""The webhook's bodies over the real server: nesting too deep to parse is a 400 (not a
500), an update up to 1 MiB is taken though the web app's default cap is lower, and a
larger one is refused with 413 while it arrives, declared or chunked."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from tests.adapters.telegram.conftest import MakeTelegram, Running
from tests.adapters.telegram.fake_bot_api import FakeBotAPI, person, supergroup

SECRET = "s3cret-Token_1"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
ALICE = person(1001, "Alice", "alice")
GROUP = supergroup(-100777, "Lounge")


async def webhook_bot(telegram: MakeTelegram) -> Running:
    return await telegram(
        signin_plugin,
        points_plugin,
        mode="webhook",
        webhook_url="https://bot.example.org/tg/hook",
        webhook_secret=SECRET,
    )


async def chunks(total: int) -> AsyncIterator[bytes]:
    """A body of ``total`` bytes made as it is sent (no Content-Length: chunked)."""
    piece = b" " * 65536
    for _ in range(total // len(piece)):
        yield piece


async def test_deeply_nested_json_is_a_bad_request(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    bot = await webhook_bot(telegram)
    url = f"http://127.0.0.1:{bot.app.web.port}/tg/hook"
    async with aiohttp.ClientSession() as http:
        for body in ("[" * 100_000, '{"update_id": 1, "x": ' + "[" * 50_000 + "]" * 50_000 + "}"):
            async with http.post(url, data=body.encode(), headers=HEADERS) as response:
                assert response.status == 400
        update = {"update_id": 9, "message": api.message("/signin", user=ALICE, chat=GROUP)}
        async with http.post(url, json=update, headers=HEADERS) as response:
            assert response.status == 200
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])


async def test_webhook_takes_up_to_one_mib_and_refuses_more(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await webhook_bot(telegram)
    assert bot.app.settings.web.max_body_kib < 512  # the webhook's own cap is the larger one
    url = f"http://127.0.0.1:{bot.app.web.port}/tg/hook"
    message = api.message("/signin", user=ALICE, chat=GROUP)
    update = json.dumps({"update_id": 9, "message": message}).encode()
    padded = update[:-1] + b" " * (512 * 1024) + b"}"  # whitespace is still JSON
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=padded, headers=HEADERS) as response:
            assert response.status == 200
        too_big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
        async with http.post(url, data=too_big, headers=HEADERS) as response:
            assert response.status == 413
        async with http.post(url, data=chunks(2 * 1024 * 1024), headers=HEADERS) as response:
            assert response.status == 413
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])
