"""Builder: aiogram's Telegram types -> Shequn segments and events.

Telegram counts entity offsets in UTF-16 code units, so text is cut on its UTF-16 encoding.
Only mentions become segments; other entities (bold, links, commands) stay text, which is
what commands and keywords are matched against. Service messages (``new_chat_members``...)
are left out: joins and departures come from ``chat_member`` updates, once each.

A message in a forum topic gets a scene carrying the topic (``Scene.thread``), so answers
and jobs speak there; the topic's creation, which Telegram sends as every such message's
``reply_to_message``, is not a quote. A leading mention of the bot (``@bot 签到``) marks
the message as addressed to it and is dropped, so commands and keywords match.

Images become :class:`Image` segments after the caption's text (so a captioned ``/signin``
is still a command): a photo by its largest size's file id, an image sent as a file and a
sticker by their file id behind ``telegram:document:`` / ``telegram:sticker:``, because the
Bot API sends each kind back with its own method (see the exporter).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import types as tg

from adapters.telegram import PLATFORM
from shequn import (
    ButtonPressed,
    Image,
    JoinRequested,
    Mention,
    Message,
    MessageEvent,
    Quoted,
    Scene,
    SceneKind,
    Segment,
    Text,
    User,
    without_leading_mention,
)

Resolve = Callable[[str], User | None]
"""``username`` (without ``@``) -> the account, when the adapter has seen it."""

DOCUMENT = "telegram:document:"
"""Prefix of an :class:`Image` that is an image file (sent back with ``sendDocument``)."""
STICKER = "telegram:sticker:"
"""Prefix of an :class:`Image` that is a sticker (sent back with ``sendSticker``)."""

JOINED = frozenset({"member", "administrator", "creator"})
GONE = frozenset({"left", "kicked"})


def user_of(account: tg.User) -> User:
    return User(
        platform=PLATFORM, id=str(account.id), name=account.full_name, is_bot=account.is_bot
    )


def scene_of(chat: tg.Chat, thread: str = "") -> Scene | None:
    """Groups, supergroups and private chats; channels are not communities here.

    ``thread`` is the forum topic the message came from: answers go back to it, while the
    scene's key (settings, communities) stays the chat's."""
    if chat.type == "private":
        name = " ".join(p for p in (chat.first_name, chat.last_name) if p) or chat.username or ""
        return Scene(
            platform=PLATFORM, kind=SceneKind.PRIVATE, id=str(chat.id), name=name, thread=thread
        )
    if chat.type in ("group", "supergroup"):
        return Scene(
            platform=PLATFORM,
            kind=SceneKind.GROUP,
            id=str(chat.id),
            name=chat.title or "",
            thread=thread,
        )
    return None


def topic_of(message: tg.Message | tg.InaccessibleMessage) -> str:
    """The forum topic of ``message`` ("" for the General topic and chats without topics).

    Only ``is_topic_message`` marks a topic: in other supergroups ``message_thread_id`` names
    a reply thread, which the Bot API cannot send to."""
    thread = getattr(message, "message_thread_id", None)
    if getattr(message, "is_topic_message", None) and isinstance(thread, int):
        return str(thread)
    return ""


def _opens_topic(message: tg.Message, replied: tg.Message) -> bool:
    """Every message in a topic "replies" to the topic's creation; that is no quote."""
    return replied.forum_topic_created is not None or (
        bool(message.is_topic_message) and replied.message_id == message.message_thread_id
    )


def segments(text: str, entities: Sequence[tg.MessageEntity] | None, resolve: Resolve) -> Message:
    """Text with its ``mention``/``text_mention`` entities as :class:`Mention` segments.

    An entity outside the text or overlapping an earlier one is ignored (kept as text)."""
    units = text.encode("utf-16-le")
    size = len(units) // 2
    out: list[Segment] = []
    position = 0

    def piece(start: int, end: int) -> str:
        return units[2 * start : 2 * end].decode("utf-16-le", errors="replace")

    for entity in sorted(entities or (), key=lambda e: e.offset):
        if entity.type not in ("mention", "text_mention"):
            continue
        start, end = entity.offset, entity.offset + entity.length
        if start < position or end > size or entity.length <= 0:
            continue
        shown = piece(start, end)
        mention: Mention | None = None
        if entity.type == "text_mention" and entity.user is not None:
            mention = Mention(str(entity.user.id), entity.user.full_name)
        elif entity.type == "mention":
            known = resolve(shown.lstrip("@"))
            if known is not None:
                mention = Mention(known.id, known.name or shown.lstrip("@"))
        if mention is None:
            continue
        if start > position:
            out.append(Text(piece(position, start)))
        out.append(mention)
        position = end
    if position < size:
        out.append(Text(piece(position, size)))
    return Message(out)


def media(message: tg.Message) -> list[Segment]:
    """The image a message carries: a photo, an image file or a sticker (none for others)."""
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        return [Image(largest.file_id)]
    document = message.document
    if document is not None and (document.mime_type or "").lower().startswith("image/"):
        return [Image(DOCUMENT + document.file_id, alt=document.file_name or "")]
    if message.sticker is not None:
        return [Image(STICKER + message.sticker.file_id, alt=message.sticker.emoji or "")]
    return []


def content(message: tg.Message, resolve: Resolve) -> Message:
    """A message's text, or its caption, as segments, followed by its image if any."""
    if message.text is not None:
        return segments(message.text, message.entities, resolve)
    images = media(message)
    if message.caption is not None:
        return Message([*segments(message.caption, message.caption_entities, resolve), *images])
    return Message(images)


def _time(value: datetime | None, fallback: datetime) -> datetime:
    return value if isinstance(value, datetime) else fallback


@dataclass(frozen=True, slots=True)
class Builder:
    """Builds events for one bot account (``me``), looking usernames up with ``resolve``."""

    me: User
    username: str
    resolve: Resolve

    def message(self, message: tg.Message, now: datetime) -> MessageEvent | None:
        scene = scene_of(message.chat, topic_of(message))
        if scene is None or message.from_user is None:
            return None
        body, addressed = without_leading_mention(content(message, self.resolve), self.me.id)
        if not body:
            return None  # service messages, media other than images
        quoted: Quoted | None = None
        replied = message.reply_to_message
        if replied is not None and not _opens_topic(message, replied):
            quoted = Quoted(
                message_id=str(replied.message_id),
                user=user_of(replied.from_user) if replied.from_user else None,
                message=content(replied, self.resolve),
            )
        to_me = (
            scene.is_private
            or addressed
            or any(isinstance(s, Mention) and s.user_id == self.me.id for s in body)
            or (quoted is not None and quoted.user is not None and quoted.user.id == self.me.id)
        )
        return MessageEvent(
            id=str(message.message_id),
            platform=PLATFORM,
            scene=scene,
            user=user_of(message.from_user),
            time=_time(message.date, now),
            self_id=self.me.id,
            message=body,
            message_id=str(message.message_id),
            reply_to=quoted.message_id if quoted else None,
            quoted=quoted,
            to_me=to_me,
        )

    def press(self, query: tg.CallbackQuery, now: datetime) -> ButtonPressed | None:
        if query.message is None or query.data is None:
            return None
        scene = scene_of(query.message.chat, topic_of(query.message))
        if scene is None:
            return None
        return ButtonPressed(
            id=query.id,
            platform=PLATFORM,
            scene=scene,
            user=user_of(query.from_user),
            time=now,
            self_id=self.me.id,
            data=query.data,
            message_id=str(query.message.message_id),
        )

    def join_request(
        self, update_id: int, request: tg.ChatJoinRequest, now: datetime
    ) -> JoinRequested | None:
        scene = scene_of(request.chat)
        if scene is None:
            return None
        return JoinRequested(
            id=str(update_id),
            platform=PLATFORM,
            scene=scene,
            user=user_of(request.from_user),
            time=_time(request.date, now),
            self_id=self.me.id,
            comment=request.bio or "",
            request_id=str(request.from_user.id),
        )


def membership_change(update: tg.ChatMemberUpdated) -> str | None:
    """``joined``, ``left`` or None (a change of rights, or a restricted member staying)."""
    before = _is_member(update.old_chat_member)
    after = _is_member(update.new_chat_member)
    if not before and after:
        return "joined"
    if before and not after:
        return "left"
    return None


def status_of(member: Any) -> str:
    """``member``, ``left``, ``kicked``... (every ChatMember variant has one)."""
    return str(getattr(member, "status", ""))


def _is_member(member: Any) -> bool:
    status = status_of(member)
    if status in JOINED:
        return True
    if status == "restricted":
        return bool(getattr(member, "is_member", False))
    return False


class KnownUsers:
    """Usernames seen lately -> accounts, so ``@name`` mentions can carry a user id.

    The Bot API cannot look a username up, so this is the only way; bounded, oldest first out.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self._limit = limit
        self._users: OrderedDict[str, User] = OrderedDict()

    def see(self, account: tg.User | None) -> None:
        if account is None or not account.username:
            return
        key = account.username.lower()
        self._users[key] = user_of(account)
        self._users.move_to_end(key)
        if len(self._users) > self._limit:
            self._users.popitem(last=False)

    def get(self, username: str) -> User | None:
        return self._users.get(username.lower())
