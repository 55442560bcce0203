"""A real discord.py client against the local fake Discord, with a server already set up."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio

import adapters.discord
from adapters.discord.adapter import DiscordAdapter
from shequn import App, Plugin, Settings
from tests.adapters.discord.fake_discord import (
    MANAGE_GUILD_BIT,
    TOKEN,
    FakeDiscord,
    FakeGuild,
)

OWNER = ("100000000000000001", "olivia")
ADMIN = ("100000000000000002", "adam")
ALICE = ("100000000000000003", "alice")
BOB = ("100000000000000004", "bob")


@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    tmp_path: Path
    running: list[tuple[App, asyncio.Task[None]]] = field(default_factory=list)
    database_url: str = ""
    """The bot's database; a SQLite file in ``tmp_path`` when empty."""

    async def start(self, *plugins: Plugin, **options: Any) -> tuple[App, DiscordAdapter]:
        """A started bot with ``plugins``, connected and ready."""
        section = {
            "token": TOKEN,
            "api_base": self.fake.api_base,
            "gateway_url": self.fake.gateway_url,
            **options,
        }
        url = self.database_url or f"sqlite+aiosqlite:///{self.tmp_path / 'bot.db'}"
        settings = Settings(
            database={"url": url},
            discord=section,
            locale="en",
        )
        app = App(settings)
        app.load_plugins(plugins)
        adapter = adapters.discord.create(app)
        assert isinstance(adapter, DiscordAdapter)
        app.add_adapter(adapter)
        await app.start()
        task = asyncio.create_task(adapter.run())
        self.running.append((app, task))
        ready = asyncio.create_task(adapter.ready.wait())
        done, _ = await asyncio.wait({ready, task}, timeout=15, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()
        assert ready in done, "the bot did not get ready"
        return app, adapter

    async def stop(self) -> None:
        """Stop every bot started so far (a later :meth:`start` is a restart)."""
        while self.running:
            app, task = self.running.pop()
            await app.stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake = await FakeDiscord().start()
    guild = fake.add_guild("Readers", OWNER)
    moderators = fake.add_role(guild, "moderators", MANAGE_GUILD_BIT)
    fake.add_member(guild, *ADMIN, roles=[moderators])
    fake.add_member(guild, *ALICE)
    fake.add_member(guild, *BOB)
    made = World(fake, guild, tmp_path)
    try:
        yield made
    finally:
        await made.stop()
        await fake.close()


async def eventually(check: Callable[[], bool]) -> None:
    """Wait until ``check()`` holds (the bot works in other tasks), five seconds at most."""
    for _ in range(500):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not come true within five seconds")
