"""OneBot v11 events (as nonebot-adapter-onebot parsed them) -> Shequn events.

Segments are read by the OneBot translation shared with WeChat (``text``, ``at``,
``reply``, ``image``); a QQ ``face`` becomes a text placeholder, since it has no portable
image. Other segment types are left out.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from nonebot.adapters.onebot.v11 import (
    GroupBanNoticeEvent,
    GroupDecreaseNoticeEvent,
    GroupIncreaseNoticeEvent,
    GroupRequestEvent,
)
from nonebot.adapters.onebot.v11 import Message as V11Message
from nonebot.adapters.onebot.v11 import (
    MessageEvent as V11MessageEvent,
)
from nonebot.compat import type_validate_python

from adapters.qq import PLATFORM
from shequn import (
    JoinRequested,
    Level,
    MemberJoined,
    MemberLeft,
    MemberMuted,
    Message,
    MessageEvent,
    Quoted,
    Scene,
    SceneKind,
    User,
)
from shequn.internal import onebot
from shequn.internal.onebot import Notice

FACE = "[表情]"
"""What a QQ face (emoticon) becomes: it has no portable image."""
DIALECT = replace(onebot.V11, placeholders={"face": FACE})

ROLES = {"owner": Level.OWNER, "admin": Level.ADMIN}

log = logging.getLogger("shequn.qq")


def group_scene(group_id: int | str) -> Scene:
    return Scene(platform=PLATFORM, kind=SceneKind.GROUP, id=str(group_id))


def private_scene(user_id: int | str, name: str = "") -> Scene:
    """Private chats get their own namespace: a QQ number may equal a group number."""
    return Scene(platform=PLATFORM, kind=SceneKind.PRIVATE, id=f"private:{user_id}", name=name)


def user(user_id: int | str, name: str = "") -> User:
    return User(platform=PLATFORM, id=str(user_id), name=name)


def level_of(role: str | None) -> Level:
    return ROLES.get(role or "", Level.MEMBER)


def moment(timestamp: int | float) -> datetime:
    try:
        return datetime.fromtimestamp(timestamp, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.now(UTC)


def segments(message: V11Message, self_id: str) -> tuple[Message, str | None, bool]:
    """The message's segments, the id it replies to, and whether it addresses the bot."""
    inbound = onebot.read(message, DIALECT, self_id)
    return inbound.message, inbound.reply_to, inbound.to_me


def message_event(event: V11MessageEvent, self_id: str) -> MessageEvent:
    sender = event.sender
    name = (sender.card or sender.nickname or "") if sender else ""
    group_id = getattr(event, "group_id", None)
    scene = group_scene(group_id) if group_id is not None else private_scene(event.user_id, name)
    message, reply_to, to_me = segments(event.message, self_id)
    return MessageEvent(
        id=str(event.message_id),
        platform=PLATFORM,
        scene=scene,
        user=user(event.user_id, name),
        time=moment(event.time),
        self_id=self_id,
        message=message,
        message_id=str(event.message_id),
        reply_to=reply_to,
        to_me=to_me or scene.is_private,
    )


def quoted(message_id: str, data: Any) -> Quoted:
    """A ``get_msg`` answer as the quoted message of a reply (as much as it tells)."""
    if not isinstance(data, dict):
        return Quoted(message_id=message_id)
    sender = data.get("sender") if isinstance(data.get("sender"), dict) else {}
    author = None
    if sender and sender.get("user_id") is not None:
        author = user(sender["user_id"], str(sender.get("card") or sender.get("nickname") or ""))
    content: Message | None = None
    raw = data.get("message")
    if isinstance(raw, list | str):
        try:  # array form (NapCat's and Lagrange's default) or a CQ-code string
            content, _, _ = segments(type_validate_python(V11Message, raw), "")
        except Exception:  # an implementation's odd segment: keep the author at least
            content = None
    return Quoted(message_id=message_id, user=author, message=content)


readable = onebot.readable


def notice(
    event: GroupIncreaseNoticeEvent | GroupDecreaseNoticeEvent | GroupBanNoticeEvent, self_id: str
) -> Notice:
    """A member notice in the form both OneBot versions share (QQ ids are numbers)."""
    return Notice(
        platform=PLATFORM,
        self_id=self_id,
        group_id=str(event.group_id),
        user_id=str(event.user_id),
        operator_id=str(event.operator_id) if event.operator_id else "",
        sub_type=event.sub_type,
        time=moment(event.time),
        stamp=str(event.time),
    )


def member_joined(event: GroupIncreaseNoticeEvent, self_id: str) -> MemberJoined:
    return onebot.member_joined(notice(event, self_id))


def member_left(event: GroupDecreaseNoticeEvent, self_id: str) -> MemberLeft:
    return onebot.member_left(notice(event, self_id))


def member_muted(event: GroupBanNoticeEvent, self_id: str) -> MemberMuted | None:
    """A ``group_ban`` of one member (``lift_ban`` unmutes); ``None`` for the whole group
    muted at once (``user_id`` 0), which concerns no one member."""
    if not event.user_id:
        return None
    return onebot.member_muted(
        notice(event, self_id), event.duration if event.sub_type == "ban" else 0
    )


def join_requested(event: GroupRequestEvent, self_id: str) -> JoinRequested:
    """The request ``flag`` is what answers it (``set_group_add_request``)."""
    return JoinRequested(
        id=f"request:{event.user_id}:{event.time}",
        platform=PLATFORM,
        scene=group_scene(event.group_id),
        user=user(event.user_id),
        time=moment(event.time),
        self_id=self_id,
        comment=(event.comment or "")[:1000],
        request_id=event.flag,
    )


def fingerprint(event: V11MessageEvent) -> tuple[Any, ...]:
    """The same group message as every account sees it (message ids differ per account)."""
    return (getattr(event, "group_id", None), event.user_id, event.time, event.raw_message)
