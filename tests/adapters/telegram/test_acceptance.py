"""The issue's acceptance list: real aiogram over HTTP against the local fake Bot API."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from adapters.telegram import invites
from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Scene, SceneKind, User
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
CAROL = person(1003, "Carol", "carol")
GROUP = supergroup(-100777, "Lounge")


def in_group(params: dict[str, object]) -> bool:
    return str(params.get("chat_id")) == str(GROUP["id"])


async def test_signin_in_a_supergroup_is_answered(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    await telegram(signin_plugin, points_plugin)
    await api.push(message=api.message("/signin", user=ALICE, chat=GROUP))
    (answer,) = await api.wait_for("sendMessage")
    assert in_group(answer)
    assert "signed in" in str(answer["text"])
    assert "parse_mode" not in answer  # plain text, never markup


async def test_commands_addressed_to_this_bot_or_another(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    assert bot.app.bot_names("telegram") == (BOT_USERNAME,)
    await api.push(message=api.message("/signin@other_bot", user=ALICE, chat=GROUP))
    await api.push(message=api.message(f"/signin@{BOT_USERNAME}", user=ALICE, chat=GROUP))
    await api.push(message=api.message("/points", user=ALICE, chat=GROUP))
    answers = await api.wait_for("sendMessage", 2)
    await bot.settle()
    texts = [str(a["text"]) for a in api.calls_of("sendMessage")]
    assert len(texts) == 2, texts
    assert "signed in" in texts[0]
    assert "alice" in texts[1].lower() or any(ch.isdigit() for ch in texts[1])
    assert answers


async def test_join_through_a_named_invite_link_credits_its_owner(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(probe)
    group = Scene(platform="telegram", kind=SceneKind.GROUP, id=str(GROUP["id"]))
    bob = User(platform="telegram", id=str(BOB["id"]), name="Bob")
    link = await bot.adapter.create_invite(group, bob, "ref-bob")
    (created,) = api.calls_of("createChatInviteLink")
    assert created["name"] == "ref-bob" and in_group(created)
    bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Shequn"}
    change = {
        "chat": GROUP,
        "from": CAROL,
        "date": int(time.time()),
        "old_chat_member": {"status": "left", "user": CAROL},
        "new_chat_member": {"status": "member", "user": CAROL},
        "invite_link": {
            "invite_link": link,
            "name": "ref-bob",
            "creator": bot_user,
            "creates_join_request": False,
            "is_primary": False,
            "is_revoked": False,
        },
    }
    update_id = await api.push(chat_member=change)
    (welcome,) = await api.wait_for("sendMessage")
    assert welcome["text"] == "welcome 1003, invited by 1002 via invite_link:ref-bob"
    # Redelivered (same update id): nobody is welcomed twice.
    await api.push(update_id=update_id, chat_member=change)
    await bot.settle()
    await asyncio.sleep(0.3)
    await bot.settle()
    assert len(api.calls_of("sendMessage")) == 1
    # The link stays Bob's across restarts: it is in the adapter's table.
    owner = await bot.app.db.read(invites.owner_of(link))
    assert owner is not None and (owner.user_id, owner.name) == ("1002", "ref-bob")
    # Leaving.
    await api.push(
        chat_member={
            **change,
            "old_chat_member": {"status": "member", "user": CAROL},
            "new_chat_member": {"status": "left", "user": CAROL},
        }
    )
    await api.wait_for("sendMessage", 2)
    assert api.calls_of("sendMessage")[-1]["text"] == "bye 1003"


async def test_join_request_approved_after_verification(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(probe)
    request = {
        "chat": GROUP,
        "from": CAROL,
        "user_chat_id": CAROL["id"],
        "date": int(time.time()),
        "bio": "hi",
    }
    await api.push(chat_join_request=request)
    (question,) = await api.wait_for("sendMessage")
    assert str(question["chat_id"]) == str(CAROL["id"])
    private = {"id": CAROL["id"], "type": "private", "first_name": "Carol"}
    assert api.calls_of("approveChatJoinRequest") == []
    await api.push(message=api.message("/verify 7", user=CAROL, chat=private))
    (approved,) = await api.wait_for("approveChatJoinRequest")
    assert in_group(approved) and str(approved["user_id"]) == str(CAROL["id"])
    await api.wait_for("sendMessage", 2)
    assert api.calls_of("declineChatJoinRequest") == []
    # A wrong answer declines.
    await api.push(chat_join_request={**request, "from": BOB, "user_chat_id": BOB["id"]})
    await api.wait_for("sendMessage", 3)
    bob_private = {"id": BOB["id"], "type": "private", "first_name": "Bob"}
    await api.push(message=api.message("/verify 8", user=BOB, chat=bob_private))
    (declined,) = await api.wait_for("declineChatJoinRequest")
    assert str(declined["user_id"]) == str(BOB["id"])


async def test_callback_query_is_answered_and_pressed(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(probe)
    await api.push(message=api.message("/pick", user=ALICE, chat=GROUP))
    (question,) = await api.wait_for("sendMessage")
    keyboard = question["reply_markup"]
    assert isinstance(keyboard, dict)
    buttons = keyboard["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["Red", "Blue"]
    assert "1. Red" not in str(question["text"])  # real buttons, no numbered fallback
    sent = api.message(
        str(question["text"]), user={"id": BOT_ID, "is_bot": True, "first_name": "S"}, chat=GROUP
    )
    await api.push(
        callback_query={
            "id": "cbq-1",
            "from": ALICE,
            "chat_instance": "ci",
            "message": sent,
            "data": buttons[1]["callback_data"],
        }
    )
    (answered,) = await api.wait_for("answerCallbackQuery")
    assert answered["callback_query_id"] == "cbq-1"
    await api.wait_for("sendMessage", 2)
    assert api.calls_of("sendMessage")[-1]["text"] == "picked blue"


async def test_webhook_checks_the_secret(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    bot = await telegram(
        signin_plugin,
        points_plugin,
        mode="webhook",
        webhook_url="https://bot.example.org/tg/hook",
        webhook_secret="s3cret-Token_1",
    )
    (registered,) = await api.wait_for("setWebhook")
    assert registered["url"] == "https://bot.example.org/tg/hook"
    assert registered["secret_token"] == "s3cret-Token_1"
    assert "chat_member" in registered["allowed_updates"]
    url = f"http://127.0.0.1:{bot.app.web.port}/tg/hook"
    update = {"update_id": 9, "message": api.message("/signin", user=ALICE, chat=GROUP)}
    header = "X-Telegram-Bot-Api-Secret-Token"
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {header: "wrong"}, {header: "s3cret-Token_"}):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 403
        await bot.settle()
        assert api.calls_of("sendMessage") == []
        async with http.post(url, data=b"not json", headers={header: "s3cret-Token_1"}) as response:
            assert response.status == 400
        async with http.post(url, json=update, headers={header: "s3cret-Token_1"}) as response:
            assert response.status == 200
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])
    assert api.calls_of("getUpdates") == []


async def test_429_is_waited_out_and_the_message_delivered_once(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    api.fail("sendMessage", retry_after=1)
    await api.push(message=api.message("/signin", user=ALICE, chat=GROUP))
    first, second = await api.wait_for("sendMessage", 2)
    assert first == second  # the same message, tried again
    times = [c.at for c in api.calls if c.method == "sendMessage"]
    assert times[1] - times[0] >= 0.95
    await bot.settle()
    await asyncio.sleep(0.3)
    assert len(api.calls_of("sendMessage")) == 2  # one refused, one delivered: once
    assert bot.adapter.pacer.retries == 1


async def test_malformed_and_unknown_updates_are_skipped(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(signin_plugin, points_plugin)
    await api.push_raw({"update_id": 50, "message": {"chat": "nonsense"}})
    await api.push_raw({"update_id": 51, "poll": {"id": "p"}})
    await api.push_raw("not even an object")
    await api.push_raw({"update_id": 52, "message": {"message_id": 1, "date": 0, "chat": GROUP}})
    await api.push(message=api.message("/signin", user=ALICE, chat=GROUP))
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])
    assert not bot.task.done()
