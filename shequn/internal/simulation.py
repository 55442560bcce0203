"""A platform simulated in memory: the base of the console adapter and the test harness.

It keeps groups, members, admins and mutes, builds events the way a real adapter would
(stable ids, scenes, mentions) and records what the bot sends and does. Its "payload" is a
line of text; ``@name`` in it is a mention.
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shequn.internal.adapter import Adapter, Capabilities
from shequn.internal.event import (
    ButtonPressed,
    MemberJoined,
    MemberLeft,
    MessageEvent,
    Scene,
    SceneKind,
    User,
)
from shequn.internal.message import Image, Mention, Message, Reply, Segment, Text
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from shequn.internal.app import App

_MENTION = re.compile(r"(?<!\S)@([^\s@]{1,64})")


def build_message(text: str) -> Message:
    """Builder: a line of text -> segments, ``@name`` becoming a mention of ``name``."""
    segments: list[Segment] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.start() > position:
            segments.append(Text(text[position : match.start()]))
        segments.append(Mention(match.group(1), match.group(1)))
        position = match.end()
    if position < len(text):
        segments.append(Text(text[position:]))
    return Message(segments)


def export_text(message: Message) -> str:
    """Exporter: segments -> one printable text (the message was already degraded)."""
    parts: list[str] = []
    for segment in message:
        if isinstance(segment, Text):
            parts.append(segment.text)
        elif isinstance(segment, Mention):
            parts.append("@" + (segment.name or segment.user_id))
        elif isinstance(segment, Image):
            parts.append(f"[image {segment.url}]")
        elif isinstance(segment, Reply):
            parts.append(f"[re #{segment.message_id}] ")
    return "".join(parts)


@dataclass
class SimulatedGroup:
    scene: Scene
    members: set[str] = field(default_factory=set)
    admins: set[str] = field(default_factory=set)
    owner: str | None = None
    muted_until: dict[str, float] = field(default_factory=dict)
    banned: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Sent:
    scene: Scene
    text: str
    message: Message
    message_id: str


class SimulatedPlatform(Adapter):
    """An in-memory platform; subclasses decide where input comes from and output goes."""

    capabilities = Capabilities(
        buttons=False,
        mentions=True,
        images=False,
        replies=True,
        delete=True,
        kick=True,
        mute=True,
        ban=True,
    )

    def __init__(self, app: App, platform: str = "console") -> None:
        super().__init__(app)
        self.platform = platform
        self.groups: dict[str, SimulatedGroup] = {}
        self.sent: list[Sent] = []
        self.actions: list[tuple[str, str, str]] = []
        """(action, group id, user id) for kicks, mutes, bans and deletions."""
        self._ids = itertools.count(1)
        # Ids must differ between runs too: plugins key rewards on event ids.
        self._run_id = secrets.token_hex(4)

    # -- the world -------------------------------------------------------------------------

    def user(self, name: str) -> User:
        return User(platform=self.platform, id=name, name=name)

    def group(self, name: str) -> SimulatedGroup:
        group = self.groups.get(name)
        if group is None:
            scene = Scene(platform=self.platform, kind=SceneKind.GROUP, id=name, name=name)
            group = self.groups[name] = SimulatedGroup(scene)
        return group

    def private(self, user: str) -> Scene:
        return Scene(
            platform=self.platform, kind=SceneKind.PRIVATE, id=f"private:{user}", name=user
        )

    def next_id(self) -> str:
        return f"{self._run_id}-{next(self._ids)}"

    # -- events in -------------------------------------------------------------------------

    def message_event(
        self, user: str, text: str, group: str | None, event_id: str | None = None
    ) -> MessageEvent:
        scene = self.group(group).scene if group is not None else self.private(user)
        if group is not None:
            self.group(group).members.add(user)
        message_id = event_id or self.next_id()
        return MessageEvent(
            id=message_id,
            platform=self.platform,
            scene=scene,
            user=self.user(user),
            time=self.app.clock.now(),
            message=build_message(text),
            message_id=message_id,
            to_me=group is None,
        )

    def join_event(self, user: str, group: str, inviter: str | None = None) -> MemberJoined:
        state = self.group(group)
        state.members.add(user)
        return MemberJoined(
            id=self.next_id(),
            platform=self.platform,
            scene=state.scene,
            user=self.user(user),
            time=self.app.clock.now(),
            inviter=self.user(inviter) if inviter else None,
            invited_via="simulated" if inviter else None,
        )

    def leave_event(self, user: str, group: str) -> MemberLeft:
        state = self.group(group)
        state.members.discard(user)
        return MemberLeft(
            id=self.next_id(),
            platform=self.platform,
            scene=state.scene,
            user=self.user(user),
            time=self.app.clock.now(),
        )

    def press_event(self, user: str, group: str | None, data: str) -> ButtonPressed:
        scene = self.group(group).scene if group is not None else self.private(user)
        return ButtonPressed(
            id=self.next_id(),
            platform=self.platform,
            scene=scene,
            user=self.user(user),
            time=self.app.clock.now(),
            data=data,
        )

    # -- adapter API -----------------------------------------------------------------------

    async def run(self) -> None:
        """Nothing to receive: events are fed by the subclass or by tests."""

    async def send(self, scene: Scene, message: Message) -> str:
        message_id = self.next_id()
        self.sent.append(Sent(scene, export_text(message), message, message_id))
        return message_id

    async def role_of(self, scene: Scene, user: User) -> Level:
        state = self.groups.get(scene.group.id)
        if state is None:
            return Level.MEMBER
        if state.owner == user.id:
            return Level.OWNER
        return Level.ADMIN if user.id in state.admins else Level.MEMBER

    async def delete(self, scene: Scene, message_id: str) -> None:
        self.actions.append(("delete", scene.id, message_id))

    async def kick(self, scene: Scene, user: User) -> None:
        self.group(scene.id).members.discard(user.id)
        self.actions.append(("kick", scene.id, user.id))

    async def mute(self, scene: Scene, user: User, seconds: int) -> None:
        state = self.group(scene.id)
        if seconds <= 0:
            state.muted_until.pop(user.id, None)
        else:
            state.muted_until[user.id] = self.app.clock.now().timestamp() + seconds
        self.actions.append(("mute" if seconds > 0 else "unmute", scene.id, user.id))

    async def ban(self, scene: Scene, user: User) -> None:
        state = self.group(scene.id)
        state.members.discard(user.id)
        state.banned.add(user.id)
        self.actions.append(("ban", scene.id, user.id))
