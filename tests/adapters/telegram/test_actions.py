"""Actions and message details through the real adapter: roles, moderation, replies, mentions."""

from __future__ import annotations

import time

from shequn import Button, Buttons, Message, Scene, SceneKind, User
from tests.adapters.telegram.conftest import MakeTelegram
from tests.adapters.telegram.fake_bot_api import (
    BOT_ID,
    BOT_USERNAME,
    FakeBotAPI,
    person,
    supergroup,
)
from tests.adapters.telegram.probe import plugin as probe

OWNER = person(1, "Olga", "olga")
ADMIN = person(2, "Adam", "adam")
MEMBER = person(3, "Mia", "mia")
GROUP = supergroup(-100500, "Club")


def admins(api: FakeBotAPI) -> None:
    api.admins[int(GROUP["id"])] = [
        {"status": "creator", "user": OWNER, "is_anonymous": False},
        {
            "status": "administrator",
            "user": ADMIN,
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": True,
            "can_restrict_members": True,
            "can_promote_members": False,
            "can_change_info": True,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_send_welcome_messages": False,
        },
    ]


async def texts_after(api: FakeBotAPI, count: int) -> list[str]:
    await api.wait_for("sendMessage", count)
    return [str(c["text"]) for c in api.calls_of("sendMessage")]


async def test_levels_come_from_the_admin_list_read_once(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    admins(api)
    await telegram(probe)
    for who in (OWNER, ADMIN, MEMBER, ADMIN):
        await api.push(message=api.message("/level", user=who, chat=GROUP))
    assert await texts_after(api, 4) == [
        "level owner",
        "level admin",
        "level member",
        "level admin",
    ]
    assert len(api.calls_of("getChatAdministrators")) == 1


async def test_mute_and_kick_by_an_admin(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    admins(api)
    await telegram(probe)
    await api.push(message=api.message("/punish 3", user=MEMBER, chat=GROUP))
    await api.push(message=api.message("/punish 3", user=ADMIN, chat=GROUP))
    texts = await texts_after(api, 2)
    assert texts[-1] == "done"
    assert "done" not in texts[0]  # a member may not
    (restricted,) = api.calls_of("restrictChatMember")
    assert str(restricted["user_id"]) == "3"
    permissions = restricted["permissions"]
    assert isinstance(permissions, dict) and permissions["can_send_messages"] is False
    until = int(str(restricted["until_date"]))
    assert 9 * 60 <= until - time.time() <= 11 * 60
    assert [str(c["user_id"]) for c in api.calls_of("banChatMember")] == ["3"]
    (unbanned,) = api.calls_of("unbanChatMember")
    assert unbanned["only_if_banned"] is True


async def test_missing_rights_are_said_clearly(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    admins(api)
    api.refuse(
        "restrictChatMember",
        400,
        "Bad Request: not enough rights to restrict/unrestrict chat member",
    )
    bot = await telegram(probe)
    await api.push(message=api.message("/punish 3", user=ADMIN, chat=GROUP))
    texts = await texts_after(api, 2)
    assert "not supported" in texts[0].lower() or "telegram" in texts[0].lower()
    await bot.settle()
    assert not bot.task.done()


async def test_replies_quote_and_mentions_carry_ids(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(probe)
    await api.push(message=api.message("hello", user=MEMBER, chat=GROUP))  # bot learns @mia
    original = api.message("the original 👋", user=ADMIN, chat=GROUP)
    await api.push(
        message=api.message("/quote", user=MEMBER, chat=GROUP, reply_to_message=original)
    )
    text = "/who 👋 @mia and @nobody and Olga and @" + BOT_USERNAME
    entities = [
        {"type": "bot_command", "offset": 0, "length": 4},
        {"type": "mention", "offset": 8, "length": 4},
        {"type": "mention", "offset": 17, "length": 7},
        {"type": "text_mention", "offset": 29, "length": 4, "user": OWNER},
        {"type": "mention", "offset": 38, "length": len(BOT_USERNAME) + 1},
    ]
    await api.push(message=api.message(text, user=MEMBER, chat=GROUP, entities=entities))
    texts = await texts_after(api, 2)
    assert texts[0] == "Adam said 'the original 👋'"
    assert texts[1] == f"mentions 3:Mia 1:Olga {BOT_ID}:Shequn to_me=True"


async def test_private_messages_and_the_private_scene(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    bot = await telegram(probe)
    chat = {"id": 3, "type": "private", "first_name": "Mia"}
    await api.push(message=api.message("/level", user=MEMBER, chat=chat))
    (answer,) = await api.wait_for("sendMessage")
    assert answer["chat_id"] == "3" and answer["text"] == "level member"
    scene = bot.adapter.private_scene(User(platform="telegram", id="3"))
    assert scene == Scene(platform="telegram", kind=SceneKind.PRIVATE, id="3")


async def test_edit_delete_pin(api: FakeBotAPI, telegram: MakeTelegram) -> None:
    bot = await telegram(probe)
    group = Scene(platform="telegram", kind=SceneKind.GROUP, id=str(GROUP["id"]))
    sent = await bot.adapter.send(group, Message(["v1", Buttons.of([Button("Go", "go")])]))
    await bot.adapter.edit(group, sent, Message(["v2"]))
    await bot.adapter.pin(group, sent)
    await bot.adapter.delete(group, sent)
    (edited,) = api.calls_of("editMessageText")
    assert edited["text"] == "v2" and str(edited["message_id"]) == sent
    assert str(api.calls_of("pinChatMessage")[0]["message_id"]) == sent
    assert str(api.calls_of("deleteMessage")[0]["message_id"]) == sent
