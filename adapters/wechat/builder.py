"""OneBot v12 events from a WeChat bridge (as nonebot-adapter-onebot parsed them) -> Shequn.

Segments are read by the OneBot translation shared with QQ (``text``, ``mention``,
``mention_all``, ``reply`` with the replied-to id and author, ``image`` by the bridge's file
id). WeChat ids are strings (``wxid_...``, ``...@chatroom``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from nonebot.adapters.onebot.v12 import (
    GroupMemberDecreaseEvent,
    GroupMemberIncreaseEvent,
)
from nonebot.adapters.onebot.v12 import Message as V12Message
from nonebot.adapters.onebot.v12 import MessageEvent as V12MessageEvent

from adapters.wechat import PLATFORM
from shequn import (
    MemberJoined,
    MemberLeft,
    Message,
    MessageEvent,
    Quoted,
    Scene,
    SceneKind,
    User,
)
from shequn.internal import onebot
from shequn.internal.onebot import Notice

log = logging.getLogger("shequn.wechat")


def group_scene(group_id: str) -> Scene:
    return Scene(platform=PLATFORM, kind=SceneKind.GROUP, id=group_id)


def private_scene(user_id: str, name: str = "") -> Scene:
    return Scene(platform=PLATFORM, kind=SceneKind.PRIVATE, id=f"private:{user_id}", name=name)


def user(user_id: str, name: str = "") -> User:
    return User(platform=PLATFORM, id=user_id, name=name)


def moment(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def segments(message: V12Message, self_id: str) -> tuple[Message, Quoted | None, bool]:
    """The segments, the quoted message (id and author) and whether the bot is addressed."""
    inbound = onebot.read(message, onebot.V12, self_id)
    quoted = None
    if inbound.reply_to is not None:
        author = inbound.reply_author
        quoted = Quoted(message_id=inbound.reply_to, user=user(author) if author else None)
    return inbound.message, quoted, inbound.to_me


def message_event(event: V12MessageEvent, self_id: str) -> MessageEvent:
    group_id = getattr(event, "group_id", None)
    scene = group_scene(str(group_id)) if group_id is not None else private_scene(event.user_id)
    message, quoted, to_me = segments(event.message, self_id)
    return MessageEvent(
        id=event.id,
        platform=PLATFORM,
        scene=scene,
        user=user(event.user_id),
        time=moment(event.time),
        self_id=self_id,
        message=message,
        message_id=event.message_id,
        reply_to=quoted.message_id if quoted is not None else None,
        quoted=quoted,
        to_me=to_me or scene.is_private,
    )


readable = onebot.readable


def notice(event: GroupMemberIncreaseEvent | GroupMemberDecreaseEvent, self_id: str) -> Notice:
    """A member notice in the form both OneBot versions share."""
    return Notice(
        platform=PLATFORM,
        self_id=self_id,
        group_id=event.group_id,
        user_id=event.user_id,
        operator_id=event.operator_id,
        sub_type=event.sub_type,
        time=moment(event.time),
        stamp=f"{event.time.timestamp():.0f}",
    )


def member_joined(event: GroupMemberIncreaseEvent, self_id: str) -> MemberJoined:
    return onebot.member_joined(notice(event, self_id))


def member_left(event: GroupMemberDecreaseEvent, self_id: str) -> MemberLeft:
    return onebot.member_left(notice(event, self_id))
