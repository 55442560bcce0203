"""A platform simulated in memory: the base of the console adapter and the test harness.

It keeps groups, members, admins and mutes, builds events the way a real adapter would
(stable ids, scenes, mentions) and records what the bot sends and does. Its "payload" is a
line of text; ``@name`` in it is a mention.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shequn.internal.adapter import Adapter, Capabilities
from shequn.internal.event import (
    ButtonPressed,
    JoinRequested,
    MemberJoined,
    MemberLeft,
    MessageEvent,
    Quoted,
    Scene,
    SceneKind,
    User,
)
from shequn.internal.message import Image, Mention, Message, Reply, Segment, Text
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from shequn.internal.app import App

_MENTION = re.compile(r"(?<!\S)@([^\s@]{1,64})")

RECENT_MESSAGES = 1000

SELF_ID = "bot"
"""The simulated bot's own account: its events are kept from plugins, as on real platforms."""
"""How many messages the simulated platform remembers, so replies can quote them."""


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
        join_requests=True,
        titles=True,
    )

    def __init__(
        self, app: App, platform: str = "console", capabilities: Capabilities | None = None
    ) -> None:
        super().__init__(app)
        self.platform = platform
        if capabilities is not None:
            # A platform without buttons, mute or deletion, as some real ones are.
            self.capabilities = capabilities
        self.groups: dict[str, SimulatedGroup] = {}
        self.sent: list[Sent] = []
        self.actions: list[tuple[str, str, str]] = []
        """(action, group id, user id) for kicks, mutes, bans and deletions."""
        self.recent: OrderedDict[str, tuple[User, Message]] = OrderedDict()
        """Author and content of recent messages (members' and the bot's), by message id."""
        self.titles: dict[tuple[str, str], str] = {}
        """(group id, user id) -> the member's special title, as pushed by the bot."""
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

    def private_scene(self, user: User) -> Scene:
        return self.private(user.id)

    def is_muted(self, user: str, group: str) -> bool:
        """Whether ``user`` may not post in ``group`` now (a mute still running)."""
        until = self.group(group).muted_until.get(user)
        return until is not None and until > self.app.clock.now().timestamp()

    def next_id(self) -> str:
        return f"{self._run_id}-{next(self._ids)}"

    # -- events in -------------------------------------------------------------------------

    def remember(self, message_id: str, user: User, message: Message) -> None:
        """Keep a message so that a later reply to it can carry its author and content."""
        self.recent[message_id] = (user, message)
        self.recent.move_to_end(message_id)
        while len(self.recent) > RECENT_MESSAGES:
            self.recent.popitem(last=False)

    def message_event(
        self,
        user: str,
        text: str,
        group: str | None,
        event_id: str | None = None,
        reply_to: str | None = None,
    ) -> MessageEvent:
        """A message; with ``reply_to`` it answers that earlier message, quoting it when the
        platform still remembers it (as real platforms do for recent messages)."""
        scene = self.group(group).scene if group is not None else self.private(user)
        if group is not None:
            self.group(group).members.add(user)
        message_id = event_id or self.next_id()
        message = build_message(text)
        quoted: Quoted | None = None
        if reply_to is not None:
            known = self.recent.get(reply_to)
            quoted = Quoted(
                message_id=reply_to,
                user=known[0] if known else None,
                message=known[1] if known else None,
            )
        self.remember(message_id, self.user(user), message)
        return MessageEvent(
            id=message_id,
            platform=self.platform,
            scene=scene,
            user=self.user(user),
            time=self.app.clock.now(),
            self_id=SELF_ID,
            message=message,
            message_id=message_id,
            reply_to=reply_to,
            quoted=quoted,
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
            self_id=SELF_ID,
            inviter=self.user(inviter) if inviter else None,
            invited_via="simulated" if inviter else None,
        )

    def join_request_event(
        self, user: str, group: str, comment: str = "", inviter: str | None = None
    ) -> JoinRequested:
        """An application to join ``group``; the bot answers it with answer_join_request."""
        state = self.group(group)
        request_id = self.next_id()
        return JoinRequested(
            id=request_id,
            platform=self.platform,
            scene=state.scene,
            user=self.user(user),
            time=self.app.clock.now(),
            self_id=SELF_ID,
            comment=comment,
            request_id=request_id,
            inviter=self.user(inviter) if inviter else None,
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
            self_id=SELF_ID,
        )

    def press_event(self, user: str, group: str | None, data: str) -> ButtonPressed:
        scene = self.group(group).scene if group is not None else self.private(user)
        return ButtonPressed(
            id=self.next_id(),
            platform=self.platform,
            scene=scene,
            user=self.user(user),
            time=self.app.clock.now(),
            self_id=SELF_ID,
            data=data,
        )

    # -- adapter API -----------------------------------------------------------------------

    async def run(self) -> None:
        """Nothing to receive: events are fed by the subclass or by tests."""

    async def send(self, scene: Scene, message: Message) -> str:
        message_id = self.next_id()
        self.sent.append(Sent(scene, export_text(message), message, message_id))
        bot = User(platform=self.platform, id=SELF_ID, name="bot", is_bot=True)
        self.remember(message_id, bot, message)
        return message_id

    async def role_of(self, scene: Scene, user: User) -> Level:
        state = self.groups.get(scene.group.id)
        if state is None:
            return Level.MEMBER
        if state.owner == user.id:
            return Level.OWNER
        return Level.ADMIN if user.id in state.admins else Level.MEMBER

    async def member_count(self, scene: Scene) -> int:
        return len(self.group(scene.group.id).members)

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

    async def answer_join_request(
        self, scene: Scene, user: User, request_id: str, approve: bool, reason: str = ""
    ) -> None:
        """Approving adds the applicant to the group (a join event follows on real platforms)."""
        if approve:
            self.group(scene.id).members.add(user.id)
        self.actions.append(("approve" if approve else "reject", scene.id, user.id))

    async def set_title(self, scene: Scene, user: User, title: str) -> None:
        if title:
            self.titles[(scene.id, user.id)] = title
        else:
            self.titles.pop((scene.id, user.id), None)
        self.actions.append(("title", scene.id, user.id))
