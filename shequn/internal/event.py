"""Typed, frozen events that adapters produce and the dispatcher routes.

Every event carries the platform's own stable id so a redelivered update is recognised,
the scene it happened in and the acting user. Events are plain slotted dataclasses:
cheap to build in the hot path and impossible to mutate by a plugin by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shequn.internal.message import Message


class SceneKind(StrEnum):
    """Where something happened."""

    GROUP = "group"
    """A group chat: QQ group, WeChat group, Telegram group or supergroup."""
    CHANNEL = "channel"
    """A channel inside a guild (Discord), whose settings belong to the parent guild."""
    GUILD = "guild"
    """A Discord server; the parent of channels."""
    PRIVATE = "private"
    """A one-to-one conversation with the bot."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Scene:
    """A conversation: a group, a channel inside a guild, or a private chat."""

    platform: str
    kind: SceneKind
    id: str
    name: str = ""
    parent: Scene | None = None
    """The guild of a channel; settings and communities attach to it."""
    thread: str = ""
    """A topic inside the conversation (a Telegram forum topic) that replies go to; not
    part of :attr:`key`: settings, communities and group keys stay those of the chat."""

    @property
    def key(self) -> str:
        """``platform:id``, unique across platforms."""
        return f"{self.platform}:{self.id}"

    @property
    def group(self) -> Scene:
        """The scene that owns per-group settings: the guild for a channel, else itself."""
        return self.parent if self.parent is not None else self

    @property
    def group_key(self) -> str:
        return self.group.key

    @property
    def is_private(self) -> bool:
        return self.kind is SceneKind.PRIVATE


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """An account on one platform. A person may own several (see identity)."""

    platform: str
    id: str
    name: str = ""
    is_bot: bool = False

    @property
    def key(self) -> str:
        """``platform:user_id``, the form used in config (superusers) and storage."""
        return f"{self.platform}:{self.id}"

    @classmethod
    def from_key(cls, key: str, name: str = "") -> User:
        """The account stored as ``platform:user_id``."""
        platform, _, user_id = key.partition(":")
        return cls(platform=platform, id=user_id, name=name)

    @property
    def display_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every event. ``id`` is the platform's stable id, used for de-duplication."""

    id: str
    platform: str
    scene: Scene
    user: User
    time: datetime
    self_id: str = ""
    """The bot account that received the event (several accounts may share a group)."""

    @property
    def about_self(self) -> bool:
        """The bot's own account acted or was acted on (it joined, was removed or muted,
        or its own message came back): the dispatcher keeps such events from plugins."""
        return bool(self.self_id) and self.user.id == self.self_id

    @property
    def dedup_key(self) -> str:
        """Unique per delivery: some platforms number messages per chat, so the scene counts."""
        return f"{self.scene.key}:{type(self).__name__}:{self.id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Quoted:
    """The message a reply answers, as far as the platform tells it."""

    message_id: str
    user: User | None = None
    message: Message | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEvent(Event):
    """A message posted in a scene."""

    message: Message
    message_id: str = ""
    reply_to: str | None = None
    """Id of the message this one replies to, when it is a reply."""
    quoted: Quoted | None = None
    """Author and content of that message, where the platform delivers them."""
    to_me: bool = False
    """True when the bot was addressed (mentioned, replied to, or in private)."""

    @property
    def text(self) -> str:
        return self.message.plain_text


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    """Someone joined a group. ``inviter`` is best effort; ``invited_via`` says how it was known."""

    inviter: User | None = None
    invited_via: str | None = None
    """How the inviter was learned: ``invite_link:NAME``, ``operator_id``, ``invite_uses``..."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    """Someone left a group, or was removed (``operator`` then says by whom)."""

    operator: User | None = None
    kicked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberMuted(Event):
    """A member was muted for ``seconds``, or unmuted (``seconds`` is 0), as the platform
    reports it (QQ's ``group_ban``); ``operator`` did it. The bot's own mutes are logged by
    the dispatcher and never reach plugins (see :attr:`Event.about_self`)."""

    seconds: int = 0
    operator: User | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JoinRequested(Event):
    """An application to join a group (Telegram join request, QQ add request)."""

    comment: str = ""
    request_id: str = ""
    inviter: User | None = None
    """Who invited the applicant, where the platform tells it (QQ ``invitor_id``, the
    creator of a Telegram invite link)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPressed(Event):
    """A button press, or a numbered text reply that stands for one where buttons are missing."""

    data: str
    message_id: str = ""


EVENT_TYPES: tuple[type[Event], ...] = (
    MessageEvent,
    MemberJoined,
    MemberLeft,
    JoinRequested,
    ButtonPressed,
)
