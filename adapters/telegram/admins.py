"""Permission levels from a group's administrators, read with a short cache.

``getChatAdministrators`` is one call per group and TTL; concurrent readers of the same group
share one call. A ``chat_member`` update in the group drops its entry (rights may change).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

from aiogram.types import ChatMemberAdministrator, ChatMemberOwner

from shequn import Level

Fetch = Callable[[int], Awaitable[Sequence[ChatMemberOwner | ChatMemberAdministrator]]]


class Admins:
    def __init__(self, fetch: Fetch, ttl: float, clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        self._levels: dict[str, tuple[float, dict[str, Level]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def forget(self, chat: str) -> None:
        self._levels.pop(chat, None)

    def _fresh(self, chat: str) -> dict[str, Level] | None:
        cached = self._levels.get(chat)
        return cached[1] if cached is not None and cached[0] > self._clock() else None

    async def level(self, chat: str, user: str) -> Level:
        levels = self._fresh(chat)
        if levels is None:
            lock = self._locks.setdefault(chat, asyncio.Lock())
            async with lock:
                levels = self._fresh(chat)
                if levels is None:
                    members = await self._fetch(int(chat))
                    levels = {
                        str(m.user.id): Level.OWNER
                        if isinstance(m, ChatMemberOwner)
                        else Level.ADMIN
                        for m in members
                    }
                    self._levels[chat] = (self._clock() + self._ttl, levels)
            self._locks.pop(chat, None)
        return levels.get(user, Level.MEMBER)
