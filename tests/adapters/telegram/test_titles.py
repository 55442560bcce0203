"""Custom admin titles through the real adapter against the fake Bot API: set where Telegram
allows it (an admin the bot promoted), NotSupported everywhere else."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.telegram.titles import custom_title
from shequn import NotSupported, Scene, SceneKind, User
from tests.adapters.telegram.conftest import MakeTelegram
from tests.adapters.telegram.fake_bot_api import FakeBotAPI, person, supergroup

OWNER = person(1, "Olga", "olga")
PROMOTED = person(2, "Pia", "pia")
ADMIN = person(3, "Adam", "adam")
MEMBER = person(4, "Mia", "mia")
GROUP = supergroup(-100500, "Club")
SCENE = Scene(platform="telegram", kind=SceneKind.GROUP, id=str(GROUP["id"]))


def admin(user: dict[str, Any], *, promoted_by_bot: bool) -> dict[str, Any]:
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": promoted_by_bot,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": False,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": False,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
    }


def account(user: dict[str, Any]) -> User:
    return User(platform="telegram", id=str(user["id"]), name=str(user["first_name"]))


async def test_a_title_is_set_for_an_admin_the_bot_promoted(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    api.admins[int(GROUP["id"])] = [
        {"status": "creator", "user": OWNER, "is_anonymous": False},
        admin(PROMOTED, promoted_by_bot=True),
        admin(ADMIN, promoted_by_bot=False),
    ]
    bot = await telegram()
    assert bot.adapter.capabilities.titles
    await bot.adapter.set_title(SCENE, account(PROMOTED), "⭐ Top contributor of the year")
    (call,) = api.calls_of("setChatAdministratorCustomTitle")
    assert call["custom_title"] == "Top contributor"
    assert api.admins[int(GROUP["id"])][1]["custom_title"] == "Top contributor"

    for refused in (OWNER, ADMIN, MEMBER):
        with pytest.raises(NotSupported):
            await bot.adapter.set_title(SCENE, account(refused), "Helper")
    assert len(api.calls_of("setChatAdministratorCustomTitle")) == 4  # one call each, no retry

    private = Scene(platform="telegram", kind=SceneKind.PRIVATE, id=str(MEMBER["id"]))
    with pytest.raises(NotSupported):
        await bot.adapter.set_title(private, account(MEMBER), "Helper")
    assert len(api.calls_of("setChatAdministratorCustomTitle")) == 4


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("Helper", "Helper"),
        ("🔥🔥 Fire  starter 🔥", "Fire starter"),
        ("Ke\u200dy\ufe0f holder", "Key holder"),
        ("资深群友·技术顾问·长期贡献者·版主", "资深群友·技术顾问·长期贡献者·"),
        ("", ""),
        ("\x00\n\t", ""),
    ],
)
def test_custom_titles_drop_emoji_and_keep_sixteen_characters(given: str, sent: str) -> None:
    assert custom_title(given) == sent
    assert len(custom_title(given)) <= 16
