"""Real Telegram updates (``tests/corpus/telegram``) posted to the bot's webhook over HTTP.

Each update must become the core event its expectation names, or be skipped on purpose with
no more than an INFO line; none may log an error. A fresh bot takes each update, so updates
that share ids in their sources cannot hide one another.
"""

from __future__ import annotations

import logging

import aiohttp
import pytest

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from tests.adapters.telegram import conftest
from tests.adapters.telegram.conftest import MakeTelegram
from tests.adapters.telegram.fake_bot_api import FakeBotAPI
from tests.corpus.replay import Entry, Recorder, check, check_logs, params

SECRET = "corpus-Secret_1"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

api = conftest.api
telegram = conftest.telegram
"""The fake Bot API and the running bot of the Telegram tests."""


@pytest.mark.parametrize("entry", params("telegram"))
async def test_update_becomes_the_expected_event(
    entry: Entry, api: FakeBotAPI, telegram: MakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await telegram(
        signin_plugin,
        points_plugin,
        mode="webhook",
        webhook_url="https://bot.example.org/tg/hook",
        webhook_secret=SECRET,
    )
    recorder = Recorder()
    recorder.install(bot.app)
    url = f"http://127.0.0.1:{bot.app.web.port}/tg/hook"
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, json=entry.payload, headers=HEADERS) as response,
        ):
            assert response.status == 200
        await bot.settle()
        if "reply_contains" in entry.expect:
            (answer,) = await api.wait_for("sendMessage")
            assert entry.expect["reply_contains"] in str(answer["text"])
        if entry.expect.get("event") == "ButtonPressed":  # the spinner stops first
            await api.wait_for("answerCallbackQuery", within=5)
    check(entry, recorder.events)
    check_logs(entry, caplog.records)
