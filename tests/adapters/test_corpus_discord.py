"""Real Discord gateway dispatches (``tests/corpus/discord``) sent by the fake gateway to a
real discord.py client.

The servers and channels the payloads name are set up in the fake under their recorded ids,
so discord.py resolves them as it would on Discord. Each payload must become the core event
its expectation names, or be skipped on purpose with no more than an INFO line; none may log
an error. A fresh bot takes each payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Context, Plugin
from tests.adapters.discord.conftest import World, eventually
from tests.adapters.discord.fake_discord import FakeDiscord, FakeGuild
from tests.corpus.replay import Entry, Recorder, check, check_logs, params

SERVERS = {
    "cards": ("290926798626357999", "645027906669510667"),
    "davfsa": ("569855591489470485", "654355510669344798"),
}
"""Name -> (server id, channel id) of the servers the corpus's payloads were recorded in."""
MASON = ("53908232506183680", "Mason")
SETTLE = 0.3
"""Seconds a skipped payload is given to (wrongly) make an event after the gateway's next."""

corpus_plugin = Plugin("corpus", title="Corpus")


@corpus_plugin.command("cardsearch")
async def cardsearch(ctx: Context, cardname: str) -> None:
    """The command of Discord's documented slash command sample."""
    await ctx.reply(f"searching {cardname}")


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake = await FakeDiscord().start()
    guilds: list[FakeGuild] = []
    for name, (guild_id, channel_id) in SERVERS.items():
        guild = fake.add_guild(name, MASON, guild_id=guild_id, channel_id=channel_id)
        guilds.append(guild)
    made = World(fake, guilds[0], tmp_path)
    try:
        yield made
    finally:
        await made.stop()
        await fake.close()


@pytest.mark.parametrize("entry", params("discord"))
async def test_dispatch_becomes_the_expected_event(
    entry: Entry, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    fake, cards = world.fake, world.guild
    invite = entry.extra.get("setup", {}).get("invite")
    if invite is not None:
        fake.add_invite(cards, invite["code"], tuple(invite["inviter"]), invite["uses"])
    app, _ = await world.start(signin_plugin, points_plugin, corpus_plugin)
    recorder = Recorder()
    recorder.install(app)
    await asyncio.sleep(0.2)  # the invite snapshot taken when the server became available
    if invite is not None:
        cards.invites[invite["code"]]["uses"] += 1
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        await fake.dispatch(entry.extra["dispatch"], entry.payload)
        if entry.skipped:
            sentinel = fake.message(cards, MASON, "corpus sentinel")
            await fake.dispatch("MESSAGE_CREATE", sentinel)
            await eventually(lambda: any(e.id == sentinel["id"] for e in recorder.events))
            await asyncio.sleep(SETTLE)
            recorder.events[:] = [e for e in recorder.events if e.id != sentinel["id"]]
        else:
            with contextlib.suppress(AssertionError):  # check() says what was expected
                await eventually(lambda: bool(recorder.events))
            await asyncio.sleep(SETTLE)  # a second event would show here
        if "reply_contains" in entry.expect:
            (sent,) = await fake.wait_for("POST", "/messages")
            assert entry.expect["reply_contains"] in str(sent.body)
    check(entry, recorder.events)
    check_logs(entry, caplog.records)
