"""Fixtures: the fake Bot API server and a Shequn app whose real Telegram adapter talks to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest_asyncio

import adapters.telegram
from adapters.telegram.adapter import TelegramAdapter
from shequn import App, Clock, Plugin, Settings
from shequn.testing.databases import TestDatabases
from tests.adapters.telegram.fake_bot_api import TOKEN, FakeBotAPI


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = await FakeBotAPI().start()
    yield server
    await server.close()


class Running:
    """An app with its Telegram adapter running (polling or webhook) against the fake."""

    def __init__(self, app: App, adapter: TelegramAdapter, task: asyncio.Task[None]) -> None:
        self.app = app
        self.adapter = adapter
        self.task = task

    async def settle(self) -> None:
        """Every update received so far was handled."""
        await self.adapter.drain()


MakeTelegram = Callable[..., Awaitable[Running]]


@pytest_asyncio.fixture
async def telegram(api: FakeBotAPI, test_databases: TestDatabases) -> AsyncIterator[MakeTelegram]:
    """``await telegram(plugin, ..., mode="polling", **telegram_settings)``: a running bot.

    ``clock=`` gives the app a clock; ``database="name"`` a database by name, so a second
    bot on the same name is the first one restarted. SQLite, or PostgreSQL with
    ``--shequn-db=postgres``."""
    made: list[Running] = []

    async def make(
        *plugins: Plugin, clock: Clock | None = None, database: str = "", **options: Any
    ) -> Running:
        section = {"token": TOKEN, "api_base": api.base, "poll_timeout": 1, **options}
        url = await test_databases.url(f"{database or f'tg{len(made)}'}.db")
        settings = Settings(
            database={"url": url},
            locale="en",
            timezone="UTC",
            web={"host": "127.0.0.1", "port": 0},
            telegram=section,
        )
        app = App(settings, clock=clock)
        app.load_plugins(plugins)
        adapter = adapters.telegram.create(app)
        assert isinstance(adapter, TelegramAdapter)
        app.add_adapter(adapter)
        await app.start()
        app.start_web()
        task = asyncio.create_task(adapter.run())
        await asyncio.wait_for(adapter.ready.wait(), 15)
        if app.web.needed:
            await asyncio.wait_for(app.web.started.wait(), 15)
        running = Running(app, adapter, task)
        made.append(running)
        return running

    yield make
    for running in reversed(made):
        running.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await running.task
        await running.app.stop()
