"""Persisted jobs: run once when due, catch up after downtime, once across two apps."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from shequn import Context, JobContext, Plugin
from shequn.testing import Harness

ran: list[str] = []
reminder = Plugin("reminder", title="Reminder")


@reminder.command("remind")
async def remind(ctx: Context, minutes: int, *, text: str) -> None:
    at = ctx.now() + timedelta(minutes=minutes)
    await ctx.schedule("ring", at, {"text": text}, key=f"remind:{ctx.event.id}")
    await ctx.reply("ok")


@reminder.job("ring")
async def ring(ctx: JobContext, payload: dict[str, Any]) -> None:
    ran.append(str(payload["text"]))
    await ctx.send(f"ring: {payload['text']}")


flaky_count: list[int] = []
flaky = Plugin("flaky", title="Flaky")


@flaky.job("fail_twice")
async def fail_twice(ctx: JobContext, payload: dict[str, Any]) -> None:
    flaky_count.append(1)
    if len(flaky_count) < 3:
        raise RuntimeError("not yet")


async def test_job_runs_once_when_due(make_bot) -> None:  # type: ignore[no-untyped-def]
    ran.clear()
    bot: Harness = await make_bot(reminder)
    assert await bot.say("/remind 10 tea time") == "ok"
    assert await bot.advance(timedelta(minutes=9)) == ""
    assert await bot.advance(timedelta(minutes=2)) == "ring: tea time"
    assert await bot.advance(timedelta(days=1)) == ""
    assert ran == ["tea time"]


async def test_job_due_during_downtime_runs_at_start_once(make_bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran.clear()
    db = tmp_path / "jobs.db"
    bot: Harness = await make_bot(reminder, database=db)
    await bot.say("/remind 5 while down")
    await bot.close()
    later = bot.clock.now() + timedelta(minutes=30)
    restarted: Harness = await make_bot(reminder, database=db, start=later)
    assert ran == ["while down"]
    assert [s.text for s in restarted.sent] == ["ring: while down"]
    await restarted.close()
    again: Harness = await make_bot(reminder, database=db, start=later + timedelta(hours=1))
    assert ran == ["while down"]
    assert again.sent == []


async def test_two_apps_share_jobs_but_run_each_once(make_bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran.clear()
    db = tmp_path / "shared.db"
    one: Harness = await make_bot(reminder, database=db)
    two: Harness = await make_bot(reminder, database=db)
    for i in range(20):
        await one.say(f"/remind 1 job {i}")
    one.clock.advance(timedelta(minutes=2))
    two.clock.advance(timedelta(minutes=2))
    await asyncio.gather(one.app.scheduler.run_due(), two.app.scheduler.run_due())
    assert sorted(ran) == sorted(f"job {i}" for i in range(20))


async def test_failing_job_is_retried_then_succeeds(make_bot) -> None:  # type: ignore[no-untyped-def]
    flaky_count.clear()
    bot: Harness = await make_bot(flaky)
    await bot.app.scheduler.schedule("flaky", "fail_twice", bot.clock.now(), {}, key="f")
    await bot.app.scheduler.run_due()
    assert len(flaky_count) == 1
    await bot.advance(timedelta(minutes=2))
    await bot.advance(timedelta(minutes=2))
    assert len(flaky_count) == 3
    await bot.advance(timedelta(hours=2))
    assert len(flaky_count) == 3
    assert await bot.app.scheduler.pending() == []
