"""The group registry (``app.groups``): every group event records its group, once per
process, with a write only for news (a new group, a new name, a new day), and plugins list
the groups of a community from it, across restarts and workers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, event, select

from shequn import Context, MessageEvent, Plugin, Scene, SceneKind
from shequn.internal.groups import DAY
from shequn.internal.models import GroupRecord
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
_group = GroupRecord.__table__  # type: ignore[attr-defined]


@dataclass
class Writes:
    issued: int = 0
    """INSERT and UPDATE statements on ``core_group``."""
    changed: list[str] = field(default_factory=list)
    """The verbs of those that changed a row."""


@contextmanager
def group_writes() -> Iterator[Writes]:
    """The writes to ``core_group`` made meanwhile, on any engine (every worker's)."""
    writes = Writes()

    def listen(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split()
        if words[:3] == ["INSERT", "INTO", "core_group"] or words[:2] == ["UPDATE", "core_group"]:
            writes.issued += 1
            if cursor.rowcount > 0:
                writes.changed.append(words[0])

    event.listen(Engine, "after_cursor_execute", listen)
    try:
        yield writes
    finally:
        event.remove(Engine, "after_cursor_execute", listen)


async def rows(bot: Harness) -> list[tuple[str, str, float, float]]:
    def read(conn: Connection) -> list[tuple[str, str, float, float]]:
        found = conn.execute(select(_group).order_by(_group.c.group_key))
        return [(r.group_key, r.name, float(r.first_seen), float(r.last_seen)) for r in found]

    return await bot.app.db.read(read)


def renamed(event: MessageEvent, name: str) -> MessageEvent:
    return replace(event, scene=replace(event.scene, name=name), id=event.id + name)


async def test_first_sight_is_written_once_under_concurrent_and_redelivered_events(
    make_bot: MakeBot,
) -> None:
    first = await make_bot(database="shared", start=START)
    second = await make_bot(database="shared", start=START)
    events = [(first, first.message(f"hi {n}", group="g1")) for n in range(25)]
    events += [(second, second.message(f"yo {n}", group="g1")) for n in range(25)]
    events += [(second, events[0][1])]  # the first event redelivered to the other worker
    with group_writes() as writes:
        await asyncio.gather(*(bot.deliver(e) for bot, e in events))
        await asyncio.gather(*(bot.deliver(e) for bot, e in events[:5]))
    assert writes.changed == ["INSERT"]
    assert writes.issued <= 4  # one first sight per worker (an insert, then a no-op update)
    [(key, name, first_seen, last_seen)] = await rows(first)
    assert (key, name) == ("test:g1", "g1")
    assert first_seen == last_seen
    [known] = await second.app.groups.known()
    assert known.scene == first.platform.group("g1").scene
    assert known.platform == "test"


async def test_a_new_name_and_a_new_day_are_written_nothing_else(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    base = bot.message("hello", group="g1")
    assert isinstance(base, MessageEvent)
    await bot.deliver(base)
    [(_, _, first_seen, _)] = await rows(bot)
    with group_writes() as writes:
        await bot.say("again", group="g1")
        await bot.deliver(renamed(base, "读书会 📚"))
        await bot.deliver(replace(renamed(base, "读书会 📚"), id="same name again"))
        await bot.deliver(renamed(base, ""))  # a platform that did not say the name
    assert writes.changed == ["UPDATE"]  # the rename, and nothing else
    assert writes.issued == 2  # its insert-or-ignore and its update
    assert [r[1] for r in await rows(bot)] == ["读书会 📚"]
    await bot.advance(timedelta(days=1))
    with group_writes() as writes:
        for n in range(3):
            await bot.deliver(replace(renamed(base, "读书会 📚"), id=f"next day {n}"))
    assert writes.changed == ["UPDATE"]
    assert writes.issued == 2
    [(_, name, again_first, last_seen)] = await rows(bot)
    assert name == "读书会 📚" and again_first == first_seen
    assert last_seen - first_seen >= DAY
    await bot.deliver(renamed(base, "x" * 1000))
    assert [len(r[1]) for r in await rows(bot)] == [200]


async def test_known_lists_a_community_s_groups_and_scene_of_finds_one(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot(superusers=["test:root"], start=START)
    await bot.say("/community create Readers", user="root", group="g1")
    for group in ("g1", "g2"):
        await bot.say("/community add Readers", user="root", group=group)
    await bot.say("hello", group="g3")
    await bot.say("hello in private", group=None)
    groups = bot.app.groups
    assert [g.group_key for g in await groups.known()] == ["test:g1", "test:g2", "test:g3"]
    readers = bot.community("g1")
    assert [g.group_key for g in await groups.known(readers)] == ["test:g1", "test:g2"]
    assert [g.group_key for g in await groups.known("test:g3")] == ["test:g3"]
    assert await groups.known("nobody") == []
    assert await groups.scene_of("test:g2") == bot.platform.group("g2").scene
    assert await groups.scene_of("test:unknown") is None


async def test_a_server_channel_replaces_a_bare_server_scene(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    server = Scene(platform="test", kind=SceneKind.GUILD, id="s1", name="Server")
    channel = Scene(platform="test", kind=SceneKind.CHANNEL, id="c1", name="general", parent=server)
    await bot.app.groups.see(server)
    assert await bot.app.groups.scene_of("test:s1") == server
    await bot.app.groups.see(channel)
    await bot.app.groups.see(server)  # a join seen at the server never replaces the channel
    assert await bot.app.groups.scene_of("test:s1") == channel
    [known] = await bot.app.groups.known()
    assert known.name == "Server"


async def test_a_forum_topic_is_not_remembered_as_the_group_s_scene(make_bot: MakeBot) -> None:
    """A message in a Telegram forum topic carries the topic; the group's scene (where
    broadcasts and announcements go) stays the group's main conversation."""
    bot = await make_bot(start=START)
    topic = Scene(platform="test", kind=SceneKind.GROUP, id="forum", name="Forum", thread="7")
    await bot.app.groups.see(topic)
    assert await bot.app.groups.scene_of("test:forum") == replace(topic, thread="")


async def test_groups_outlive_a_restart(make_bot: MakeBot) -> None:
    first = await make_bot(database="shared", start=START)
    await first.say("hello", group="g1")
    await first.close()
    second = await make_bot(database="shared", start=START + timedelta(hours=1))
    assert [g.group_key for g in await second.app.groups.known()] == ["test:g1"]


async def test_events_of_a_new_group_keep_their_order_around_its_first_write(
    make_bot: MakeBot,
) -> None:
    probe = Plugin("order_probe")
    handled: list[str] = []

    @probe.on(MessageEvent)
    async def note(ctx: Context) -> None:
        handled.append(ctx.event.id)

    bot = await make_bot(probe, start=START)
    events = [bot.message(f"m{n}", group="fresh") for n in range(10)]
    await asyncio.gather(*(bot.deliver(e) for e in events))
    assert handled == [e.id for e in events]
