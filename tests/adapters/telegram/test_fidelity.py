"""Payloads as Telegram really sends them (issue "Platform fidelity"): forum topics, leading
mentions of the bot, fields aiogram cannot validate, the command menu per language and
scope. Real aiogram over HTTP against the local fake Bot API.

Shapes come from the Telegram Bot API reference (core.telegram.org/bots/api: ``Message``
with ``message_thread_id``/``is_topic_message``/``forum_topic_created``, ``MessageEntity``,
``setMyCommands``, ``BotCommandScopeAllChatAdministrators``) and aiogram's own tests
(``tests/test_api/test_types/test_message.py``: ``TEST_FORUM_TOPIC_CREATED``;
``tests/test_api/test_methods/test_get_url.py``: a topic message in a forum supergroup).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from plugins.lottery import plugin as lottery_plugin
from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import (
    Context,
    JobContext,
    Level,
    MessageEvent,
    Plugin,
    SimulatedClock,
    scene_from_dict,
)
from tests.adapters.telegram.conftest import MakeTelegram
from tests.adapters.telegram.fake_bot_api import (
    BOT_ID,
    BOT_USERNAME,
    FakeBotAPI,
    person,
    supergroup,
)
from tests.adapters.telegram.probe import plugin as probe

ALICE = person(1001, "Alice", "alice")
BOB = person(1002, "Bob", "bob")
# A forum supergroup (Bot API ``Chat.is_forum``), as in aiogram's test_get_url.py.
FORUM = {**supergroup(-1001234567890, "Forum Lounge"), "is_forum": True}
TOPIC = 42
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Shequn", "username": BOT_USERNAME}

tracker = Plugin("tgtracker", title="Telegram tracker")
seen: list[MessageEvent] = []


@tracker.on(MessageEvent)
async def track(ctx: Context) -> None:
    assert isinstance(ctx.event, MessageEvent)
    seen.append(ctx.event)


@tracker.command("where")
async def where(ctx: Context) -> None:
    await ctx.reply(f"group {ctx.group_key}")


@tracker.command("remind")
async def remind(ctx: Context) -> None:
    await ctx.schedule("remind", ctx.app.clock.now() + timedelta(hours=1))
    await ctx.reply("reminder set")


@tracker.job("remind")
async def reminded(ctx: JobContext, _payload: dict[str, Any]) -> None:
    await ctx.send("time is up")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    seen.clear()


def topic_creation(api: FakeBotAPI) -> dict[str, Any]:
    """The service message that opened the topic (Bot API ``forum_topic_created``; aiogram's
    TEST_FORUM_TOPIC_CREATED): its id is the topic's ``message_thread_id``."""
    return {
        "message_id": TOPIC,
        "date": int(time.time()) - 3600,
        "chat": FORUM,
        "from": BOB,
        "message_thread_id": TOPIC,
        "forum_topic_created": {"name": "Daily check-in", "icon_color": 0xFFD67E},
    }


def in_topic(api: FakeBotAPI, text: str, **extra: Any) -> dict[str, Any]:
    """A message posted in the topic: ``is_topic_message`` and ``message_thread_id`` set, and,
    when it quotes nothing, ``reply_to_message`` = the topic's creation (as Telegram sends)."""
    return api.message(
        text,
        user=ALICE,
        chat=FORUM,
        message_thread_id=TOPIC,
        is_topic_message=True,
        **{"reply_to_message": topic_creation(api), **extra},
    )


# -- forum topics ------------------------------------------------------------------------


async def test_a_command_in_a_topic_is_answered_in_that_topic(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(tracker, signin_plugin, points_plugin)
    await api.push(message=in_topic(api, "/signin"))
    (answer,) = await api.wait_for("sendMessage")
    assert answer["message_thread_id"] == str(TOPIC)  # form field, as aiogram sends it
    assert "signed in" in str(answer["text"])
    # A topic is not a new group: settings and keys stay the chat's.
    await api.push(message=in_topic(api, "/where"))
    await api.wait_for("sendMessage", 2)
    where_answer = api.calls_of("sendMessage")[-1]
    assert where_answer["text"] == f"group telegram:{FORUM['id']}"
    assert where_answer["message_thread_id"] == str(TOPIC)
    assert {e.scene.key for e in seen} == {f"telegram:{FORUM['id']}"}
    assert {e.scene.thread for e in seen} == {str(TOPIC)}


async def test_the_general_topic_and_plain_groups_carry_no_thread(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(tracker, signin_plugin, points_plugin)
    # General topic: no is_topic_message, no message_thread_id (Bot API).
    await api.push(message=api.message("/signin", user=ALICE, chat=FORUM))
    # A reply thread in a supergroup without topics: message_thread_id but no
    # is_topic_message; the Bot API cannot send to such a thread.
    plain = supergroup(-100777, "Lounge")
    await api.push(message=api.message("/signin", user=BOB, chat=plain, message_thread_id=5))
    await api.wait_for("sendMessage", 2)
    await bot.settle()
    assert all("message_thread_id" not in a for a in api.calls_of("sendMessage"))


async def test_the_topic_creation_is_no_quote_but_a_real_reply_is(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(probe)
    await api.push(message=in_topic(api, "/quote"))
    (first,) = await api.wait_for("sendMessage")
    assert first["text"] == "nothing quoted"
    assert first["message_thread_id"] == str(TOPIC)
    bobs = api.message(
        "the sky is green",
        user=BOB,
        chat=FORUM,
        message_thread_id=TOPIC,
        is_topic_message=True,
        reply_to_message=topic_creation(api),
    )
    await api.push(message=in_topic(api, "/quote", reply_to_message=bobs))
    await api.wait_for("sendMessage", 2)
    second = api.calls_of("sendMessage")[-1]
    assert second["text"] == "Bob said 'the sky is green'"
    assert second["message_thread_id"] == str(TOPIC)


async def test_a_job_set_up_in_a_topic_speaks_there_after_a_restart(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    clock = SimulatedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    await telegram(tracker, clock=clock, database="jobs")
    await api.push(message=in_topic(api, "/remind"))
    (set_up,) = await api.wait_for("sendMessage")
    assert set_up["text"] == "reminder set" and set_up["message_thread_id"] == str(TOPIC)
    # Another process on the same database: the job's payload carries the topic.
    later = SimulatedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    restarted = await telegram(tracker, clock=later, database="jobs")
    later.advance(timedelta(hours=2))
    await restarted.app.scheduler.run_due()
    (done,) = await api.wait_for("sendMessage", where=lambda p: p["text"] == "time is up")
    assert done["message_thread_id"] == str(TOPIC)
    assert int(done["chat_id"]) == FORUM["id"]


async def test_a_lottery_started_in_a_topic_is_drawn_there_after_a_restart(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    # ChatMemberOwner, as getChatAdministrators returns it (Bot API ChatMember).
    api.admins[int(FORUM["id"])] = [{"status": "creator", "user": BOB, "is_anonymous": False}]
    clock = SimulatedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    await telegram(lottery_plugin, points_plugin, clock=clock, database="lottery")
    create = in_topic(api, "/lottery create Mug end=1h", **{"from": BOB})
    await api.push(message=create)
    (created,) = await api.wait_for("sendMessage")
    assert created["message_thread_id"] == str(TOPIC)
    keyboard = created["reply_markup"]
    assert isinstance(keyboard, dict)
    join = keyboard["inline_keyboard"][0][0]["callback_data"]
    # The button is pressed on the bot's message, which sits in the topic.
    posted = in_topic(api, str(created["text"]), **{"from": BOT_USER})
    await api.push(
        callback_query={
            "id": "cbq-7",
            "from": ALICE,
            "chat_instance": "ci",
            "message": posted,
            "data": join,
        }
    )
    await api.wait_for("sendMessage", 2)
    entered = api.calls_of("sendMessage")[-1]
    assert entered["message_thread_id"] == str(TOPIC), entered
    # Restarted on the same database, past the end: the draw is announced in the topic.
    later = SimulatedClock(datetime(2026, 3, 1, 14, 0, tzinfo=UTC))
    restarted = await telegram(lottery_plugin, points_plugin, clock=later, database="lottery")
    await restarted.app.scheduler.run_due()
    await api.wait_for("sendMessage", 3)
    drawn = api.calls_of("sendMessage")[-1]
    assert "Alice" in str(drawn["text"]), drawn
    assert drawn["message_thread_id"] == str(TOPIC)


async def test_a_deleted_topic_is_answered_in_the_chat(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(signin_plugin, points_plugin)
    api.gone_topics.add(TOPIC)
    await api.push(message=in_topic(api, "/signin"))
    tried, answered = await api.wait_for("sendMessage", 2)
    assert tried["message_thread_id"] == str(TOPIC)
    assert "message_thread_id" not in answered and "signed in" in str(answered["text"])


def test_scenes_stored_before_topics_still_load() -> None:
    old = {"platform": "telegram", "kind": "group", "id": "-100777", "name": "Lounge"}
    assert scene_from_dict(old).thread == ""


# -- leading mentions of the bot ---------------------------------------------------------


def mentioning_bot(api: FakeBotAPI, rest: str) -> dict[str, Any]:
    """``@bot rest`` with the ``mention`` entity Telegram adds (Bot API MessageEntity)."""
    handle = f"@{BOT_USERNAME}"
    return api.message(
        f"{handle} {rest}",
        user=ALICE,
        chat=supergroup(-100777, "Lounge"),
        entities=[{"type": "mention", "offset": 0, "length": len(handle)}],
    )


@pytest.mark.parametrize("rest", ["签到", "/signin", f"/signin@{BOT_USERNAME}"])
async def test_a_leading_mention_of_the_bot_is_stripped(
    api: FakeBotAPI, telegram: MakeTelegram, rest: str
) -> None:
    await telegram(tracker, signin_plugin, points_plugin)
    await api.push(message=mentioning_bot(api, rest))
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])
    (event,) = seen
    assert event.to_me and event.text == rest
    assert event.self_id == str(BOT_ID)  # the bot's own account, from getMe


async def test_a_leading_text_mention_of_the_bot_is_stripped(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(signin_plugin, points_plugin)
    # text_mention: a mention by user object, for accounts without a username (Bot API).
    message = api.message(
        "Shequn /signin",
        user=ALICE,
        chat=supergroup(-100777, "Lounge"),
        entities=[{"type": "text_mention", "offset": 0, "length": 6, "user": BOT_USER}],
    )
    await api.push(message=message)
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])


async def test_a_command_for_another_bot_or_a_mention_of_someone_else_is_not_ours(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(tracker, signin_plugin, points_plugin)
    group = supergroup(-100777, "Lounge")
    await api.push(message=mentioning_bot(api, "/signin@other_bot"))
    await api.push(
        message=api.message(
            "@bob /signin",
            user=ALICE,
            chat=group,
            entities=[{"type": "mention", "offset": 0, "length": 4}],
        )
    )
    await api.push(message=api.message("/where", user=ALICE, chat=group))
    await api.wait_for("sendMessage")
    await bot.settle()
    assert [a["text"] for a in api.calls_of("sendMessage")] == ["group telegram:-100777"]


# -- tolerant parsing --------------------------------------------------------------------

BROKEN: list[dict[str, Any]] = [
    # A wrong type in an optional sub-object (Bot API LinkPreviewOptions.is_disabled: bool).
    {"link_preview_options": {"is_disabled": "sometimes"}},
    # An origin of a kind this aiogram does not know (MessageOrigin is a tagged union).
    {"forward_origin": {"type": "story", "date": 1700000000}},
    # A broken entity next to a good one: the good one survives.
    {"entities": [{"type": "bold", "offset": "x", "length": 1}]},
]


@pytest.mark.parametrize("broken", BROKEN)
async def test_an_update_with_a_field_aiogram_rejects_still_delivers_its_text(
    api: FakeBotAPI,
    telegram: MakeTelegram,
    caplog: pytest.LogCaptureFixture,
    broken: dict[str, Any],
) -> None:
    bot = await telegram(tracker, signin_plugin, points_plugin)
    with caplog.at_level(logging.WARNING, logger="shequn.telegram"):
        await api.push(message=api.message("/signin", user=ALICE, chat=FORUM, **broken))
        (answer,) = await api.wait_for("sendMessage")
        await bot.settle()
    assert "signed in" in str(answer["text"])
    assert int(answer["chat_id"]) == FORUM["id"]
    (event,) = seen
    assert event.user.id == str(ALICE["id"]) and event.user.name == "Alice"
    assert "read partly; skipped what failed: message." in caplog.text


async def test_a_salvaged_update_keeps_its_topic_and_the_batch_goes_on(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(tracker, signin_plugin, points_plugin)
    await api.push(message=in_topic(api, "/signin", link_preview_options={"is_disabled": "?"}))
    await api.push_raw({"update_id": "nine", "message": "not a message"})
    await api.push(message=api.message("/where", user=BOB, chat=FORUM))
    await api.wait_for("sendMessage", 2)
    await bot.settle()
    first, second = api.calls_of("sendMessage")
    assert first["message_thread_id"] == str(TOPIC) and "signed in" in str(first["text"])
    assert second["text"] == f"group telegram:{FORUM['id']}"


async def test_the_webhook_salvages_too(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    secret = "s3cret-Token_1"
    bot = await telegram(
        signin_plugin,
        points_plugin,
        mode="webhook",
        webhook_url="https://bot.example.org/tg/hook",
        webhook_secret=secret,
    )
    url = f"http://127.0.0.1:{bot.app.web.port}/tg/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    broken = api.message("/signin", user=ALICE, chat=FORUM, **BROKEN[0])
    async with aiohttp.ClientSession() as http:
        for update in (
            {"update_id": 7, "message": {"chat": 1}},
            {"update_id": 8, "message": broken},
        ):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 200
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])


# -- the command menu --------------------------------------------------------------------


async def test_commands_are_published_per_language_and_scope(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(probe, signin_plugin, points_plugin)
    menus = await api.wait_for("setMyCommands", 6)
    listed = {s.name: s.permission for s in bot.app.registry.unique_commands() if " " not in s.name}
    member_level = {name for name, level in listed.items() if level is Level.MEMBER}
    admin_level = {name for name, level in listed.items() if level in (Level.ADMIN, Level.OWNER)}
    assert {"signin", "help"} <= member_level and {"punish", "grant"} <= admin_level
    by: dict[tuple[str, str | None], dict[str, str]] = {}
    for call in menus:
        key = (call["scope"]["type"], call.get("language_code"))
        by[key] = {c["command"]: c["description"] for c in call["commands"]}
    assert set(by) == {
        (scope, code)
        for scope in ("default", "all_chat_administrators")
        for code in (None, "en", "zh")
    }
    for code in (None, "en", "zh"):
        members, admins = by[("default", code)], by[("all_chat_administrators", code)]
        assert set(members) == member_level
        assert set(admins) == member_level | admin_level
    # Descriptions come from the translations of each language.
    assert by[("default", "en")]["signin"] != by[("default", "zh")]["signin"]
    assert by[("default", None)] == by[("default", "en")]  # the bot's locale is en
