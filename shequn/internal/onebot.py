"""OneBot segments and member notices <-> Shequn, for both protocol versions.

QQ speaks OneBot v11 and WeChat bridges speak v12. The two share the segment shapes that
matter here (text, mention, mention of everyone, reply, image) and differ only in names and
id fields, which a :class:`Dialect` spells out; their group member notices (joins,
departures, v11's mutes) carry the same fields (``user_id``, ``operator_id``, ``sub_type``).
Each adapter keeps its one builder and one exporter; the translation they share lives here
once. Segments are plain ``type`` + ``data`` pairs, so this module needs no nonebot import.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shequn.internal.event import (
    MemberJoined,
    MemberLeft,
    MemberMuted,
    MessageEvent,
    Scene,
    SceneKind,
    User,
)
from shequn.internal.message import Buttons, Image, Mention, Message, Reply, Segment, Text

EVERYONE = "all"
"""The ``user_id`` of a :class:`Mention` of everyone in the group (QQ's own spelling)."""

Wire = tuple[str, dict[str, Any]]
"""One OneBot segment as sent: its ``type`` and its ``data``."""


class RawSegment(Protocol):
    """A received segment, as nonebot-adapter-onebot parses it (``type`` and ``data``)."""

    @property
    def type(self) -> str: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Dialect:
    """What differs between OneBot versions in the segments Shequn translates."""

    mention: str
    """The type of a segment that mentions one user."""
    mention_id: str
    """Its field naming the user."""
    everyone: Wire
    """A mention of everyone: the type, and the data that marks it (empty: the type alone)."""
    reply_id: str
    """The field of a ``reply`` segment naming the replied-to message."""
    reply_author: str | None
    """The field naming the replied-to message's author, where the version has one."""
    image_file: str
    """The field of an ``image`` segment read when it has no ``url``."""
    numeric_ids: bool
    """Message ids are numbers: a reply to anything else cannot be sent."""
    placeholders: Mapping[str, str] = field(default_factory=dict)
    """Text standing in for segment types with no portable form (a QQ face, say)."""


V11 = Dialect(
    mention="at",
    mention_id="qq",
    everyone=("at", {"qq": EVERYONE}),
    reply_id="id",
    reply_author=None,
    image_file="file",
    numeric_ids=True,
)
V12 = Dialect(
    mention="mention",
    mention_id="user_id",
    everyone=("mention_all", {}),
    reply_id="message_id",
    reply_author="user_id",
    image_file="file_id",
    numeric_ids=False,
)


@dataclass(frozen=True, slots=True)
class Inbound:
    """A received message: its segments, what it replies to, whether it addresses the bot."""

    message: Message
    reply_to: str | None = None
    reply_author: str | None = None
    to_me: bool = False


def _text(data: Mapping[str, Any], key: str) -> str:
    """A field as text; missing, null or empty is ``""`` (a zero stays ``"0"``)."""
    value = data.get(key)
    return str(value) if value or isinstance(value, int | float) else ""


def _is_everyone(kind: str, data: Mapping[str, Any], dialect: Dialect) -> bool:
    marker_kind, marker = dialect.everyone
    return kind == marker_kind and all(_text(data, k) == v for k, v in marker.items())


def read(segments: Iterable[RawSegment], dialect: Dialect, self_id: str) -> Inbound:
    """Shequn segments from received ones; other segment types are left out.

    A mention of the bot before any text or image addresses the message to it ("@bot
    /signin": the command follows) and is dropped, with the space after it. Segments with
    missing or odd data are skipped, never raised on.
    """
    parts: list[Segment] = []
    reply_to: str | None = None
    author = ""
    to_me = False
    for segment in segments:
        kind = segment.type if isinstance(segment.type, str) else ""  # a fuzzed list
        data = segment.data if isinstance(segment.data, Mapping) else {}
        if kind == "text":
            text = _text(data, "text")
            if text:
                parts.append(Text(text))
        elif _is_everyone(kind, data, dialect):
            parts.append(Mention(EVERYONE, _text(data, "name")))
        elif kind == dialect.mention:
            target = _text(data, dialect.mention_id)
            if target and target == self_id and not any(isinstance(p, Text | Image) for p in parts):
                to_me = True
            elif target:
                parts.append(Mention(target, _text(data, "name")))
        elif kind == "reply":
            message_id = _text(data, dialect.reply_id)
            if message_id:
                reply_to = message_id
                author = _text(data, dialect.reply_author) if dialect.reply_author else ""
        elif kind == "image":
            url = _text(data, "url") or _text(data, dialect.image_file)
            if url:
                parts.append(Image(url))
        elif kind in dialect.placeholders:
            parts.append(Text(dialect.placeholders[kind]))
    if to_me and parts and isinstance(parts[0], Text):
        parts[0] = Text(parts[0].text.lstrip())
    return Inbound(Message(parts), reply_to, author or None, to_me)


ImageExporter = Callable[[Image], Wire | None]
"""How a version sends an image (v11 by URL, v12 by an uploaded file id); ``None`` when it
cannot, and then the image's ``alt`` text is sent instead."""


def write(message: Message, dialect: Dialect, image: ImageExporter) -> list[Wire]:
    """OneBot segments for ``message``. Text is always a ``text`` segment, never markup;
    buttons were already turned into numbered text choices by the core and are skipped."""
    out: list[Wire] = []
    for segment in message:
        if isinstance(segment, Text):
            if segment.text:
                out.append(("text", {"text": segment.text}))
        elif isinstance(segment, Mention):
            if segment.user_id == EVERYONE:
                out.append((dialect.everyone[0], dict(dialect.everyone[1])))
            else:
                out.append((dialect.mention, {dialect.mention_id: segment.user_id}))
        elif isinstance(segment, Image):
            sent = image(segment)
            if sent is not None:
                out.append(sent)
            elif segment.alt:
                out.append(("text", {"text": segment.alt}))
        elif isinstance(segment, Reply):
            reply = _reply_id(segment.message_id, dialect)
            if reply is not None:
                out.append(("reply", {dialect.reply_id: reply}))
        elif isinstance(segment, Buttons):
            continue
    return out


MAX_NUMBER_DIGITS = 20
"""A 64-bit number has at most 20 digits; a longer "id" is no OneBot v11 id."""


def _reply_id(message_id: str, dialect: Dialect) -> str | None:
    if not dialect.numeric_ids:
        return message_id
    digits = message_id.removeprefix("-")  # some implementations hand out negative ids
    number = digits.isascii() and digits.isdigit()
    if not number or len(digits) > MAX_NUMBER_DIGITS:
        return None
    return str(int(message_id))  # "007" is message 7


KICKED = frozenset({"kick", "kick_me"})
"""``sub_type`` values of a member decrease that was a removal (``kick_me`` is v11's: the
bot's own account was removed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """A group member notice (increase, decrease, mute), its ids already as text."""

    platform: str
    self_id: str
    group_id: str
    user_id: str
    operator_id: str
    """``""`` when the notice names no operator (v11 sends ``0``)."""
    sub_type: str
    time: datetime
    stamp: str
    """The notice's time as the platform sent it, for the event id: the same on redelivery."""

    def user(self, user_id: str) -> User:
        return User(platform=self.platform, id=user_id)

    @property
    def operator(self) -> User | None:
        return self.user(self.operator_id) if self.operator_id else None

    @property
    def scene(self) -> Scene:
        return Scene(platform=self.platform, kind=SceneKind.GROUP, id=self.group_id)


def _about(notice: Notice, kind: str) -> dict[str, Any]:
    """The fields every event from a member notice has; the id is stable on redelivery."""
    return {
        "id": f"{kind}:{notice.user_id}:{notice.stamp}",
        "platform": notice.platform,
        "scene": notice.scene,
        "user": notice.user(notice.user_id),
        "time": notice.time,
        "self_id": notice.self_id,
    }


def member_joined(notice: Notice) -> MemberJoined:
    """The ``operator_id`` of an ``invite`` names the inviter (referral attribution); the
    bot itself is never credited as one."""
    ours = ("", notice.user_id, notice.self_id)
    invited = notice.sub_type == "invite" and notice.operator_id not in ours
    return MemberJoined(
        **_about(notice, "join"),
        inviter=notice.user(notice.operator_id) if invited else None,
        invited_via="operator_id" if invited else None,
    )


def member_left(notice: Notice) -> MemberLeft:
    """A removal names who removed the member, where the notice tells."""
    kicked = notice.sub_type in KICKED
    return MemberLeft(
        **_about(notice, "leave"),
        operator=notice.operator if kicked else None,
        kicked=kicked,
    )


def member_muted(notice: Notice, seconds: int) -> MemberMuted:
    """A mute (``seconds`` > 0) or its lifting (0); the ``sub_type`` keeps a mute and its
    lifting in the same second apart."""
    return MemberMuted(
        **_about(notice, f"mute-{notice.sub_type}"),
        seconds=max(0, seconds),
        operator=notice.operator,
    )


def readable(event: MessageEvent, raw: Iterable[RawSegment]) -> bool:
    """Whether ``event`` carries anything plugins read: text, a mention, an image or a reply
    (``raw``: the OneBot segments it was built from, of either version).

    A voice message or a shared card builds to nothing; like Telegram's media other than
    images it is not handed on (so it is not counted as activity either)."""
    if event.message or event.reply_to is not None:
        return True
    kinds = sorted({str(segment.type) for segment in raw})
    logging.getLogger(f"shequn.{event.platform}").debug(
        "message %s in %s skipped: nothing plugins read (%s)",
        event.message_id,
        event.scene.key,
        ", ".join(kinds) or "no segments",
    )
    return False
