"""Events: capacity and waiting list, reminders, minute codes, attendance paid once, stats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from plugins.events import cli as events_cli
from plugins.events import plugin as events_plugin
from plugins.events.passcode import code_for, code_is_valid, minute_of
from plugins.points import plugin as points_plugin
from shequn import Event, Posting
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
CREATE = "/event create 2025-03-10 19:00 | Book club | Room 3, Library | 2"


async def new_bot(make_bot: MakeBot) -> Harness:
    bot = await make_bot(events_plugin, points_plugin, start=START)
    bot.make_admin("admin")
    return bot


async def concurrently(bot: Harness, events: list[Event]) -> list[str]:
    """Deliver ``events`` at once (a repeated event is a redelivery); every text sent."""
    before = len(bot.sent)
    await asyncio.gather(*(bot.deliver(event) for event in events))
    return [sent.text for sent in bot.sent[before:]]


async def current_code(bot: Harness, event_id: int = 1) -> str:
    reply = await bot.say(f"/event code {event_id}", user="admin")
    return reply.rsplit(": ", 1)[1].split()[0]


async def test_full_event_gets_a_waiting_list_promoted_once_on_cancel(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    created = await bot.say(CREATE, user="admin")
    assert created.startswith("📅 Event #1: Book club\nWhen: 2025-03-10 19:00 · Where: Room 3")
    assert "✅ alice, you have a seat" in await bot.press("event:join:1", user="alice")
    assert "✅ bob, you have a seat" in await bot.say("/event join 1", user="bob")
    assert "number 1 on the waiting list" in await bot.say("/event join 1", user="carol")
    assert "number 2 on the waiting list" in await bot.say("/event join 1", user="dave")
    assert "already have a seat" in await bot.say("/event join 1", user="alice")
    cancel = bot.message("/event cancel 1", user="alice")
    distinct = [bot.message("/event cancel 1", user="alice") for _ in range(4)]
    flat = await concurrently(bot, [cancel, cancel, cancel, *distinct])
    assert flat.count("alice, your sign-up for event #1 is cancelled.") == 1
    assert flat.count("@carol a seat at “Book club” (#1) freed up: it is yours now.") == 1
    assert flat.count("alice, you are not signed up for event #1.") == 4
    stats = await bot.say("/event stats 1")
    assert "4 sign-ups · 2 going · 1 waiting · 1 cancelled" in stats
    assert "✅ alice, you have a seat" not in await bot.say("/event join 1", user="alice")
    assert "2 going · 2 waiting · 0 cancelled" in await bot.say("/event stats 1")


async def test_reminder_fires_before_the_start_and_check_in_closes_later(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event join 1", user="alice")
    assert await bot.advance(timedelta(hours=7, minutes=59)) == ""  # 17:59
    reminder = await bot.advance(timedelta(minutes=1))  # 18:00, an hour before
    assert reminder == (
        "⏰ Reminder: #1 “Book club” starts at 2025-03-10 19:00, Room 3, Library. 1 going: @alice"
    )
    assert await bot.advance(timedelta(hours=3, minutes=59)) == ""  # 21:59
    assert await bot.advance(timedelta(minutes=1)) == (
        "Event #1 “Book club” is over: 0 of 1 checked in, 1 no-shows."
    )
    assert await bot.advance(timedelta(days=1)) == ""


async def test_check_in_with_a_valid_and_an_expired_code_pays_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event join 1", user="alice")
    await bot.say("/event join 1", user="bob")
    await bot.advance(timedelta(hours=8, minutes=50))  # 18:50
    code = await current_code(bot)
    await bot.advance(timedelta(minutes=1))  # the previous minute's code still works
    event = bot.message(f"/event checkin 1 {code}", user="alice")
    distinct = [bot.message(f"/event checkin 1 {code}", user="alice") for _ in range(3)]
    replies = await concurrently(bot, [event, event, event, *distinct])
    again = await bot.say(f"/event checkin 1 {code}", user="alice", group=None)
    assert sum("+10 points" in r for r in replies) == 1
    assert "already checked in" in again
    assert await bot.balance("alice") == 10
    await bot.advance(timedelta(minutes=1))  # two minutes on: expired
    assert "wrong or has expired" in await bot.say(f"/event checkin 1 {code}", user="bob")
    assert "wrong or has expired" in await bot.say("/event checkin 1 ０００", user="bob")
    fresh = await current_code(bot)
    assert "only members with a seat" in await bot.say(f"/event checkin 1 {fresh}", user="eve")
    assert "+10 points" in await bot.say(f"/event checkin 1 {fresh}", user="bob")
    await bot.advance(timedelta(hours=4))
    assert await bot.balance("bob") == 10
    assert "attendance 100%" in await bot.say("/event stats")


async def test_code_changes_every_minute_and_accepts_only_two() -> None:
    now = 1_700_000_000.0
    codes = {code_for("secret", 1, minute_of(now) + k) for k in range(-3, 3)}
    assert len(codes) == 6 and all(len(c) == 6 and c.isdigit() for c in codes)
    current = code_for("secret", 1, minute_of(now))
    assert code_is_valid("secret", 1, current, now)
    assert code_is_valid("secret", 1, current, now + 60)
    assert not code_is_valid("secret", 1, current, now + 120)
    assert not code_is_valid("other", 1, current, now)
    assert not code_is_valid("secret", 2, current, now)


async def test_cost_is_paid_and_refunded_on_cancel_and_for_the_waiting_list(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    for user in ("alice", "bob"):
        await bot.app.ledger.post(Posting(bot.person(user), bot.community(), 30, "seed", user))
    await bot.say("/event create 03-10 19:00 | Dinner | Cafe | 1 | cost=20", user="admin")
    assert "costs 20 points but your balance is 0" in await bot.say("/event join 1", user="eve")
    await bot.say("/event join 1", user="alice")
    await bot.say("/event join 1", user="bob")
    assert (await bot.balance("alice"), await bot.balance("bob")) == (10, 10)
    await bot.say("/event cancel 1", user="alice")  # bob moves up
    assert await bot.balance("alice") == 30
    await bot.say("/event join 1", user="alice")  # now waiting, pays again
    assert await bot.balance("alice") == 10
    await bot.advance(timedelta(hours=13))  # closed: the waiting list is refunded
    assert (await bot.balance("alice"), await bot.balance("bob")) == (30, 10)


async def test_stats_and_csv_count_repeat_attendees_and_no_shows(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/event create 03-10 19:00 | =cmd() | Hall | 5", user="admin")
    await bot.say("/event create 03-11 19:00 | Second | https://meet.example/x | 5", user="admin")
    for user in ("alice", "bob"):
        await bot.say("/event join 1", user=user)
        await bot.say("/event join 2", user=user)
    await bot.advance(timedelta(hours=9))
    await bot.say(f"/event checkin 1 {await current_code(bot, 1)}", user="alice")
    await bot.say(f"/event checkin 1 {await current_code(bot, 1)}", user="bob")
    await bot.advance(timedelta(days=1))
    await bot.say(f"/event checkin 2 {await current_code(bot, 2)}", user="alice")
    await bot.advance(timedelta(hours=4))
    assert await bot.say("/event stats") == (
        "2 events · 4 sign-ups · 2 attendees · attendance 75% · 1 repeat attendees · 1 no-shows"
    )
    export = await bot.say("/event export", user="admin")
    assert export.split("\n")[1:] == [
        "id,title,starts_at,state,capacity,signups,going,waiting,cancelled,attended,"
        "no_shows,attendance_rate",
        "1,'=cmd(),2025-03-10T19:00:00+08:00,closed,5,2,2,0,0,2,0,1.00",
        "2,Second,2025-03-11T19:00:00+08:00,closed,5,2,2,0,0,1,1,0.50",
    ]
    assert "id,title" not in await bot.say("/event export", user="alice")


async def test_bad_input_gets_clear_answers(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert "Usage: /event create" in await bot.say("/event create nonsense", user="admin")
    assert "is not a time" in await bot.say("/event create 13-45 99:00 | a | b | 1", user="admin")
    assert "start in the future" in await bot.say(
        "/event create 2020-01-01 10:00 | a | b | 1", user="admin"
    )
    assert "not a capacity" in await bot.say("/event create 03-11 10:00 | a | b | 0", user="admin")
    assert "not an option" in await bot.say(
        "/event create 03-11 10:00 | a | b | 3 | color=red", user="admin"
    )
    assert "not a sign-up deadline" in await bot.say(
        "/event create 03-11 10:00 | a | b | 3 | deadline=03-12 10:00", user="admin"
    )
    assert "no event #9" in await bot.say("/event join 9")
    assert await bot.press("event:join:" + "9" * 40) == ""
    assert await bot.say("/event list") == "No upcoming events."
    assert "Event #1" not in await bot.say(CREATE, user="alice")
    await bot.say(
        "/event create 03-10 12:00 | Lunch | Canteen | 9 | deadline=03-10 11:00", user="admin"
    )
    assert "#1 Lunch" in await bot.say("/event list")
    await bot.advance(timedelta(hours=1, minutes=30))
    assert "sign-up for event #1 is closed" in await bot.say("/event join 1")


async def test_cli_exports_the_csv(make_bot: MakeBot, tmp_path: Path) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    await bot.say("/event join 1", user="alice")
    config = tmp_path / "shequn.toml"
    config.write_text(f'[database]\nurl = "{bot.settings.database.url}"\n', "utf-8")
    runner = CliRunner()
    done = await asyncio.to_thread(runner.invoke, events_cli.app, ["--config", str(config)])
    assert done.exit_code == 0, done.output
    # The CLI's app runs jobs that fell due (on the real clock), so the state may be closed.
    assert done.output.splitlines()[1].startswith("1,Book club,2025-03-10T19:00:00+08:00,")
    assert done.output.splitlines()[1].split(",")[5:8] == ["1", "1", "0"]
    only = await asyncio.to_thread(
        runner.invoke,
        events_cli.app,
        ["--config", str(config), "--community", "test:elsewhere"],
    )
    assert only.exit_code == 1  # an unknown community is an error, not an empty file
    assert "unknown community test:elsewhere" in only.output
