"""Message metadata recorded from events, written in batches, counted once per event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from plugins.signin import plugin as signin
from shequn.internal.analytics.models import text_table
from shequn.testing import Harness

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday

MakeBot = Any


async def count_texts(bot: Harness) -> int:
    def read(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(text_table)).scalar_one())

    return await bot.app.db.read(read)


async def test_messages_are_buffered_then_counted_per_group(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    await bot.say("hello everyone")
    await bot.say("what time is the meeting?", user="bob")
    await bot.say("https://example.com/agenda", user="bob")
    assert bot.app.analytics.recorder.pending == 3  # nothing written per message
    health = await bot.app.analytics.group_health(bot.app.identity.community_of("test:group"))
    assert bot.app.analytics.recorder.pending == 0
    assert health.messages == 3
    assert health.members == 2
    assert health.daily[-1].messages == 3 and health.daily[-1].active_members == 2
    assert len(health.daily) == 30
    assert sum(map(sum, health.hourly)) == 3
    local = START.astimezone(bot.app.group_timezone("test:group"))
    assert health.hourly[local.weekday()][local.hour] == 3


async def test_redelivered_event_counted_once_even_after_a_restart(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START, database="shared.db")
    event = bot.message("the same update", user="carol")
    await bot.deliver(event)
    await bot.deliver(event)  # redelivered to the same process
    await bot.close()  # stop flushes the buffer
    again = await make_bot(start=START, database="shared.db")
    await again.deliver(event)  # redelivered after the restart
    health = await again.app.analytics.group_health("test:group")
    assert health.messages == 1


async def test_joins_leaves_and_retention(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    await bot.join("dan")
    await bot.join("erin")
    await bot.advance(timedelta(hours=30))
    await bot.leave("erin")
    await bot.advance(timedelta(days=8))
    health = await bot.app.analytics.group_health("test:group")
    assert sum(d.joins for d in health.daily) == 2
    assert sum(d.leaves for d in health.daily) == 1
    assert health.retention.newcomers == 2
    assert health.retention.day1 == 1.0  # erin left after 30 hours
    assert health.retention.day7 == 0.5
    assert health.retention.day30 is None  # nobody joined 30 days ago yet


async def test_text_kept_only_where_the_group_opted_in(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    bot.make_admin("alice")
    await bot.say("kept nowhere", user="bob")
    await bot.say("/config core analytics_text true")
    await bot.say("kept now", user="bob")
    await bot.app.analytics.flush()
    assert await count_texts(bot) == 1  # recorded before the setting changed: only "kept now"


async def test_participation_from_commands_and_ledger(make_bot: MakeBot) -> None:
    bot = await make_bot(signin, start=START)
    await bot.say("/signin")
    await bot.say("签到", user="bob")
    health = await bot.app.analytics.group_health("test:group")
    by_activity = {p.activity: p for p in health.participation}
    assert [p.activity for p in health.participation[:4]] == ["signin", "quiz", "lottery", "polls"]
    assert by_activity["signin"].people == 2
    assert by_activity["signin"].uses == 2
    assert by_activity["signin"].postings == 2
    assert by_activity["quiz"].people == 0


async def test_roles_from_recorded_messages(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    await bot.join("quiet")
    for _ in range(6):
        await bot.say("how do I set up the bridge? any idea?", user="asker")
        await bot.say("haha", user="chatty")
        await bot.say("lol same", user="chatty")
        await bot.advance(timedelta(days=1))
    roles = {r.person: r for r in await bot.app.analytics.member_roles("test:group")}
    assert roles[bot.person("asker")].role.code == "asker"
    assert roles[bot.person("chatty")].role.code == "chatter"
    assert roles[bot.person("quiet")].role.code == "lurker"
    assert roles[bot.person("asker")].role.evidence  # translated sentences


async def test_a_silent_group_after_a_busy_month(make_bot: MakeBot) -> None:
    bot = await make_bot(start=START)
    for _ in range(25):
        for user in ("a", "b", "c"):
            await bot.say("talking about the topic", user=user)
        await bot.advance(timedelta(days=1))
    await bot.advance(timedelta(days=8))
    health = await bot.app.analytics.group_health("test:group")
    assert health.stage.code == "silent"
    assert health.stage.name == "silent"
    assert health.kind.code in {"marginal", "dead", "valuable", "spam"}
    zh = await bot.app.analytics.group_health("test:group", locale="zh-CN")
    assert zh.stage.name == "沉寂期"
    assert "近 7 天" in zh.stage.evidence[0]


async def test_a_big_flush_goes_in_chunks_and_a_failed_chunk_stays_buffered(
    make_bot: MakeBot, monkeypatch: Any
) -> None:
    """Short transactions keep the shared writer free for sign-ins; a chunk that fails
    loses nothing and counts nothing twice."""
    from shequn.internal.analytics import recorder as module

    bot = await make_bot(start=START)
    total = module.FLUSH_CHUNK * 2 + 50
    for n in range(total):
        await bot.say(f"message {n}", user=f"member{n}")
    write = module._write
    recorder = bot.app.analytics.recorder
    sizes: list[int] = []
    poisoned = recorder._pending[module.FLUSH_CHUNK]  # the first record of the second chunk

    def disk_full_on_the_second_chunk(
        conn: Connection, records: Any, now: float, **options: Any
    ) -> int:
        sizes.append(len(records))
        if any(r is poisoned for r in records):
            raise RuntimeError("disk full")
        return write(conn, records, now, **options)

    monkeypatch.setattr(module, "_write", disk_full_on_the_second_chunk)
    try:
        await recorder.flush()
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failed chunk must surface")
    assert max(sizes) == module.FLUSH_CHUNK  # no transaction wrote more than one chunk's worth
    assert recorder.pending == module.FLUSH_CHUNK  # only the failed chunk stays buffered
    monkeypatch.setattr(module, "_write", write)
    assert await recorder.flush() == module.FLUSH_CHUNK
    health = await bot.app.analytics.group_health("test:group")
    assert health.messages == total
