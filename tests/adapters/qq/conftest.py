"""A real app with the QQ adapter on a real web server, and fake OneBot v11 clients."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import (
    App,
    Context,
    JoinRequested,
    MemberJoined,
    Plugin,
    Settings,
    User,
)
from shequn.internal.nonebot_host import HostedAdapter
from tests.adapters.qq.fake import FakeOneBot

TOKEN = "s3cret-token"

probe = Plugin("probe", title="Probe")


@probe.command("boot")
async def boot(ctx: Context, member: User) -> None:
    await ctx.kick(member)


@probe.command("hush")
async def hush(ctx: Context, member: User, minutes: int) -> None:
    await ctx.mute(member, timedelta(minutes=minutes))


@probe.command("unsay")
async def unsay(ctx: Context, message_id: str) -> None:
    await ctx.delete(message_id)


@probe.command("crown")
async def crown(ctx: Context, member: User, title: str) -> None:
    await ctx.app.adapter(ctx.event.platform).set_title(ctx.event.scene, member, title)


@probe.command("whoami")
async def whoami(ctx: Context) -> None:
    await ctx.reply(f"level {(await ctx.level()).name}")


@probe.on(MemberJoined)
async def credit_inviter(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MemberJoined)
    if event.inviter is None:
        return
    key = f"referral:{ctx.group_key}:{event.user.id}"
    await ctx.post(ctx.posting(ctx.person_of(event.inviter), 5, "referral", key))
    await ctx.reply(f"welcome {event.user.id}, invited by {event.inviter.id} ({event.invited_via})")


@probe.on(JoinRequested)
async def answer_request(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, JoinRequested)
    adapter = ctx.app.adapter(event.platform)
    approve = "please" in event.comment
    await adapter.answer_join_request(
        event.scene, event.user, event.request_id, approve, "" if approve else "say please"
    )


@dataclass
class Running:
    app: App
    adapter: HostedAdapter
    task: asyncio.Task[None]
    clients: list[FakeOneBot]

    def url(self, version: int = 11) -> str:
        return f"ws://127.0.0.1:{self.app.web.port}/onebot/v{version}/ws"

    async def client(
        self, self_id: str, token: str | None = TOKEN, version: int = 11
    ) -> FakeOneBot:
        """A connected fake implementation; v11 accounts are known at the handshake, v12
        ones with their first event."""
        fake = FakeOneBot(self.url(version), self_id, token, version=version)
        await fake.connect()
        self.clients.append(fake)
        if version == 11:
            await wait_until(lambda: self_id in self.adapter.bots)
        return fake

    async def balance(self, platform: str, user: str, group: str) -> int:
        identity = self.app.identity
        return await self.app.ledger.balance(
            identity.person_of(f"{platform}:{user}"), identity.community_of(f"{platform}:{group}")
        )

    async def close(self) -> None:
        for client in self.clients:
            await client.close()
        await self.adapter.stop()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.app.stop()


async def wait_until(condition: Any, seconds: float = 10.0) -> None:
    """Poll ``condition`` (state changed by another task, e.g. a connection hook)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the state has no event to wait on
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path, platform: str, section: dict[str, Any], plugins: Iterable[Plugin] = ()
) -> AsyncIterator[Running]:
    adapter_section: dict[str, Any] = {platform: section}
    settings = Settings(
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"},
        web={"host": "127.0.0.1", "port": 0},
        **adapter_section,
    )
    app = App(settings)
    app.load_plugins([points_plugin, signin_plugin, probe, *plugins])
    adapter = importlib.import_module(f"adapters.{platform}").create(app)
    assert isinstance(adapter, HostedAdapter)
    app.add_adapter(adapter)
    await app.start()
    app.start_web()
    task = asyncio.create_task(adapter.run())
    if app.web.needed:  # forward mode serves no endpoint
        await asyncio.wait_for(app.web.started.wait(), 10)
    await asyncio.wait_for(adapter.host.ready.wait(), 10)
    running = Running(app, adapter, task, [])
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def qq(tmp_path: Path) -> AsyncIterator[Running]:
    # Outbound pace off (tests/adapters/qq/test_pace.py tests it): answers leave at once.
    unpaced = {"group_messages_per_second": 1000.0, "messages_per_minute": 100_000}
    async with running_bot(tmp_path, "qq", {"access_token": TOKEN, **unpaced}) as running:
        yield running
