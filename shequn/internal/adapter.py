"""What every platform adapter provides, and what it declares it can do.

An adapter translates in (platform payload -> :mod:`event` via its builder) and out
(:class:`Message` -> platform payload via its exporter). Actions a platform lacks raise
:class:`NotSupported`; the context turns that into a clear, translated answer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shequn.internal.event import Scene, SceneKind, User
from shequn.internal.message import Message
from shequn.internal.outbound import Pace
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from shequn.internal.app import App


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can show and do. The core falls back where a flag is False."""

    buttons: bool = False
    mentions: bool = True
    images: bool = True
    replies: bool = True
    delete: bool = False
    kick: bool = False
    mute: bool = False
    ban: bool = False
    edit: bool = False
    pin: bool = False
    invite_links: bool = False
    """Per-member invite links (Telegram, Discord) for referral attribution."""
    join_requests: bool = False
    """Join applications that the bot approves or declines."""
    titles: bool = False
    """Member titles shown by the platform (QQ's special title)."""


class NotSupported(Exception):
    """The platform (or this bot's rights there) does not allow ``action``."""

    def __init__(self, platform: str, action: str) -> None:
        super().__init__(f"{action} is not supported on {platform}")
        self.platform = platform
        self.action = action


class Adapter(ABC):
    """Base class of platform adapters. One instance per platform (or per bot account)."""

    platform: str = ""
    capabilities: Capabilities = Capabilities()
    pace: Pace | None = None
    """The platform's outbound windows; set, the app queues and merges replies to fit them."""

    def __init__(self, app: App) -> None:
        self.app = app

    @abstractmethod
    async def run(self) -> None:
        """Receive events and hand them to ``self.app.dispatch`` until stopped or done."""

    async def stop(self) -> None:  # noqa: B027 - optional hook, most adapters need nothing
        """Stop receiving; default: nothing to do."""

    @abstractmethod
    async def send(self, scene: Scene, message: Message) -> str:
        """Send ``message`` (already degraded to this platform's capabilities); return its id."""

    def speaker(self, scene: Scene) -> str:
        """The bot account that sends to ``scene`` now; ``""`` for an adapter of one account.
        The outbound queue keeps each account's window apart (a platform limits accounts)."""
        return ""

    def private_scene(self, user: User) -> Scene:
        """The one-to-one conversation with ``user``, for what must not be said in a group
        (redemption codes). Adapters whose private chats are not keyed by user id override it."""
        return Scene(platform=self.platform, kind=SceneKind.PRIVATE, id=user.id, name=user.name)

    async def role_of(self, scene: Scene, user: User) -> Level:
        """The user's platform role in ``scene`` (admin/owner), default member."""
        return Level.MEMBER

    async def member_count(self, scene: Scene) -> int:
        """How many members the group of ``scene`` has (welcome messages show it)."""
        raise NotSupported(self.platform, "member_count")

    async def delete(self, scene: Scene, message_id: str) -> None:
        raise NotSupported(self.platform, "delete")

    async def kick(self, scene: Scene, user: User) -> None:
        raise NotSupported(self.platform, "kick")

    async def mute(self, scene: Scene, user: User, seconds: int) -> None:
        """Mute ``user`` for ``seconds``; 0 lifts the mute."""
        raise NotSupported(self.platform, "mute")

    async def ban(self, scene: Scene, user: User) -> None:
        raise NotSupported(self.platform, "ban")

    async def unban(self, scene: Scene, user: User) -> None:
        raise NotSupported(self.platform, "unban")

    async def edit(self, scene: Scene, message_id: str, message: Message) -> None:
        raise NotSupported(self.platform, "edit")

    async def pin(self, scene: Scene, message_id: str) -> None:
        raise NotSupported(self.platform, "pin")

    async def answer_join_request(
        self, scene: Scene, user: User, request_id: str, approve: bool, reason: str = ""
    ) -> None:
        """Approve or decline a :class:`JoinRequested` application."""
        raise NotSupported(self.platform, "join_request")

    async def create_invite(self, scene: Scene, user: User, name: str) -> str:
        """A personal invite link for ``user`` named ``name``; joins through it name them."""
        raise NotSupported(self.platform, "invite")

    async def set_title(self, scene: Scene, user: User, title: str) -> None:
        raise NotSupported(self.platform, "title")
