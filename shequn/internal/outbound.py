"""Outbound pacing with merging: a chat over its platform's window gets fewer, fuller messages.

Platforms limit how fast a bot may write: Telegram about 20 messages a minute in a group, QQ
implementations risk-control accounts that send fast. An adapter states its windows as a
:class:`Pace`; the app then sends through one :class:`Outbound`. While a chat's window (and
the account's) has room, a message goes out at once. Each bot account has its own window
(several QQ accounts each get their ``messages_per_minute``): the account is the one the
adapter says speaks in the chat (:meth:`~shequn.internal.adapter.Adapter.speaker`), asked
again for each slot, so a queue follows a new speaker when the old one disconnects. When a
window is full, messages wait in the chat's queue, in order; when a slot frees, the
plain-text replies waiting at the head (text and mentions only, no buttons, images or quotes)
leave as one message, one reply a line, split on line boundaries to stay within the
platform's length. A reply that does not name its person gets the name in front, so everyone
still sees which line is theirs. Nothing is dropped: 200 sign-ins in a minute in one
Telegram group are answered in a few messages.

A queued reply returns ``""`` at once instead of its message id (its handler need not wait
for the window, and the id of a merged message is shared); anything else waits its turn and
returns its id.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shequn.internal.event import Scene, User
from shequn.internal.message import Mention, Message, Segment, Text
from shequn.internal.pace import Window

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.outbound")


@dataclass(frozen=True, slots=True)
class Pace:
    """What a platform lets one bot account send: ``(messages, seconds)`` windows."""

    group: tuple[int, float]
    """Per group chat."""
    private: tuple[int, float]
    """Per private chat."""
    account: tuple[int, float]
    """All chats of the account together."""
    max_text: int
    """Longest text one message may carry (merged replies are split below it)."""

    @classmethod
    def steady(cls, per_chat_second: float, per_minute: int, max_text: int) -> Pace:
        """One message per ``1 / per_chat_second`` seconds in any chat, ``per_minute`` in
        all chats of the account together: the shape of the QQ and WeChat settings."""
        chat = (1, 1.0 / per_chat_second)
        return cls(group=chat, private=chat, account=(per_minute, 60.0), max_text=max_text)


@dataclass(slots=True)
class _Item:
    message: Message
    to: User | None
    done: asyncio.Future[str] | None
    """Set for a sender that waits for its id; None for a reply that returned at once."""


@dataclass(slots=True)
class _Chat:
    window: Window
    queue: deque[_Item] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


def mergeable(message: Message) -> bool:
    """Only text and mentions: buttons, images and quotes keep their own message."""
    return bool(message) and all(isinstance(s, Text | Mention) for s in message)


def _length(segments: Iterable[Segment]) -> int:
    """Characters shown: text, and a mention as ``@name``."""
    return sum(
        len(s.text) if isinstance(s, Text) else len(s.name) + 1 if isinstance(s, Mention) else 0
        for s in segments
    )


def _named(item: _Item) -> tuple[Segment, ...]:
    """The reply's segments, with its person's name in front when it names nobody."""
    segments = tuple(item.message)
    user = item.to
    if user is None:
        return segments
    mentioned = any(isinstance(s, Mention) and s.user_id == user.id for s in segments)
    if mentioned or (user.name and user.name in item.message.plain_text):
        return segments
    return (Text(f"{user.name or user.id}: "), *segments)


def merge(items: list[_Item], max_text: int) -> list[Message]:
    """The replies one a line, in messages of at most ``max_text`` characters."""
    messages: list[Message] = []
    current: list[Segment] = []
    for item in items:
        line = _named(item) if len(items) > 1 else tuple(item.message)
        if current and _length(current) + 1 + _length(line) > max_text:
            messages.append(Message(current))
            current = []
        if current:
            current.append(Text("\n"))
        current.extend(line)
    if current:
        messages.append(Message(current))
    return messages


class Outbound:
    def __init__(self, app: App) -> None:
        self._app = app
        self._chats: dict[str, _Chat] = {}
        self._accounts: dict[tuple[str, str], Window] = {}
        """(platform, bot account) -> the window of all that account's chats."""
        self.merged = 0
        """Replies that left inside a message with others (for logs and tests)."""

    def _account(self, scene: Scene, pace: Pace) -> Window:
        """The window of the account that speaks in ``scene`` now."""
        key = (scene.platform, self._app.adapter(scene.platform).speaker(scene))
        window = self._accounts.get(key)
        if window is None:
            window = self._accounts[key] = Window(*pace.account, timer=self._app.timer)
        return window

    def _chat(self, scene: Scene, pace: Pace) -> _Chat:
        chat = self._chats.get(scene.key)
        if chat is None:
            limit, period = pace.private if scene.is_private else pace.group
            chat = self._chats[scene.key] = _Chat(Window(limit, period, timer=self._app.timer))
        return chat

    async def send(
        self,
        scene: Scene,
        message: Message,
        pace: Pace,
        deliver: Callable[[Scene, Message], Awaitable[str]],
        *,
        to: User | None = None,
    ) -> str:
        """Send now if ``scene``'s windows have room, else queue (see the module's text)."""
        chat = self._chat(scene, pace)
        account = self._account(scene, pace)
        if not chat.queue and chat.window.wait_time() == 0 and account.wait_time() == 0:
            chat.window.try_acquire()
            account.try_acquire()
            return await deliver(scene, message)
        quick = to is not None and mergeable(message)
        done = None if quick else asyncio.get_running_loop().create_future()
        chat.queue.append(_Item(message, to, done))
        if chat.worker is None or chat.worker.done():
            chat.worker = asyncio.create_task(
                self._drain(scene, chat, pace, deliver), name=f"outbound-{scene.key}"
            )
        return "" if done is None else await done

    async def _drain(
        self,
        scene: Scene,
        chat: _Chat,
        pace: Pace,
        deliver: Callable[[Scene, Message], Awaitable[str]],
    ) -> None:
        while chat.queue:
            await self._slot(scene, chat, pace)
            batch = [chat.queue.popleft()]
            if batch[0].done is None:
                while chat.queue and chat.queue[0].done is None:
                    batch.append(chat.queue.popleft())
            parts = merge(batch, pace.max_text) if len(batch) > 1 else [batch[0].message]
            if len(batch) > 1:
                self.merged += len(batch)
            try:
                message_id = ""
                for index, part in enumerate(parts):
                    if index:  # each part of a long merge takes its own slot
                        await self._slot(scene, chat, pace)
                    message_id = await deliver(scene, part)
            except Exception as error:
                log.exception("could not send %d message(s) to %s", len(batch), scene.key)
                for item in batch:
                    if item.done is not None and not item.done.done():
                        item.done.set_exception(error)
                continue
            for item in batch:
                if item.done is not None and not item.done.done():
                    item.done.set_result(message_id)
        if self._chats.get(scene.key) is chat and chat.window.idle:
            del self._chats[scene.key]

    async def _slot(self, scene: Scene, chat: _Chat, pace: Pace) -> None:
        """Wait for a slot in the chat's window, then in its speaker's."""
        await chat.window.acquire()
        await self._account(scene, pace).acquire()

    async def drain(self) -> None:
        """Wait until every queued message left (tests, shutdown)."""
        while workers := [
            c.worker for c in self._chats.values() if c.worker and not c.worker.done()
        ]:
            await asyncio.gather(*workers, return_exceptions=True)
