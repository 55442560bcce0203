"""Outbound pacing: Telegram's flood limits kept, nothing dropped, order kept per chat.

Every call for a chat goes through that chat's FIFO lock, so messages leave in the order they
were sent. A message waits for a slot in its chat's window (about 20 a minute in a group, one a
second in a private chat) and in the bot-wide window (30 a second). A ``429 Too Many
Requests`` is waited out (its ``retry_after``) and the same call retried, holding the chat's
turn; a network error is retried a few times with a growing pause before it is raised.
The same windows, as :attr:`Pacer.pace`, let the core merge the replies waiting for a full
group into fewer messages (:mod:`shequn`'s outbound queue) before they reach this pacer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from shequn import Pace, RealTimer, Timer, Window

log = logging.getLogger("shequn.telegram.pacing")

T = TypeVar("T")
NETWORK_RETRIES = 3
NETWORK_PAUSE = 1.0
PRUNE_AT = 1_000
"""Chats tracked before idle ones are forgotten."""
TEXT_LIMIT = 4096
"""Characters of one text message."""
__all__ = ["Pacer", "Window"]


@dataclass
class _Chat:
    lock: asyncio.Lock
    window: Window
    users: int = 0


class Pacer:
    def __init__(
        self,
        *,
        group_per_minute: int = 20,
        private_per_second: int = 1,
        overall_per_second: int = 30,
        network_pause: float = NETWORK_PAUSE,
        timer: Timer | None = None,
    ) -> None:
        self.group_per_minute = group_per_minute
        self.private_per_second = private_per_second
        self.timer: Timer = timer or RealTimer()
        self.overall = Window(overall_per_second, 1.0, self.timer)
        self.pace = Pace(
            group=(group_per_minute, 60.0),
            private=(private_per_second, 1.0),
            account=(overall_per_second, 1.0),
            max_text=TEXT_LIMIT,
        )
        """The same windows for the core's outbound queue (it merges what would wait)."""
        self.network_pause = network_pause
        self._chats: dict[str, _Chat] = {}
        self.retries = 0
        """429 answers waited out so far (for logs and tests)."""

    def _chat(self, chat: str, group: bool) -> _Chat:
        state = self._chats.get(chat)
        if state is None:
            if len(self._chats) >= PRUNE_AT:
                self._prune()
            if group:
                window = Window(self.group_per_minute, 60.0, self.timer)
            else:
                window = Window(self.private_per_second, 1.0, self.timer)
            state = self._chats[chat] = _Chat(asyncio.Lock(), window)
        return state

    def _prune(self) -> None:
        """Forget chats nobody is sending to whose windows have emptied (bounded memory)."""
        for chat, state in list(self._chats.items()):
            if state.users == 0 and state.window.idle:
                del self._chats[chat]

    async def send(
        self, chat: str, group: bool, call: Callable[[], Awaitable[T]], *, paced: bool = True
    ) -> T:
        """Run ``call`` in ``chat``'s turn; ``paced`` calls (messages) count in the windows."""
        state = self._chat(chat, group)
        state.users += 1
        try:
            async with state.lock:
                if paced:
                    await state.window.acquire()
                    await self.overall.acquire()
                return await self.retrying(call)
        finally:
            state.users -= 1

    async def retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call`` until it gets through a 429, or fails otherwise."""
        failures = 0
        while True:
            try:
                return await call()
            except TelegramRetryAfter as error:
                self.retries += 1
                log.warning("Telegram asks to wait %s s (%s)", error.retry_after, error.method)
                await self.timer.sleep(max(0, error.retry_after))
            except (TelegramNetworkError, TelegramServerError):
                failures += 1
                if failures > NETWORK_RETRIES:
                    raise
                log.warning("Telegram unreachable, retry %d", failures, exc_info=True)
                await self.timer.sleep(self.network_pause * failures)
