"""Events from real platforms: handled concurrently across scenes, in order within one.

An adapter calls :meth:`Intake.submit` and returns to its socket at once. Each scene (group,
channel, private chat) gets a queue with one worker, so a slow handler in one group never
delays another group, while a quiz answer can never overtake the question before it in the
same group. Idle workers end; a scene's queue is bounded so a flood cannot eat the memory —
beyond the bound the oldest waiting events of that scene are dropped with a warning (and
``discard`` told). An optional ``gate`` (the rate limits) rejects a flooder's newest events
before they are queued, so the bound is rarely reached by one person's flood; an optional
``pace`` is awaited before each event is handled (a group's surge waits for its rate).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from shequn.internal.event import Event

log = logging.getLogger("shequn.intake")

SCENE_QUEUE_LIMIT = 1_000


class Intake:
    def __init__(
        self,
        handle: Callable[[Event], Awaitable[None]],
        *,
        limit: int = SCENE_QUEUE_LIMIT,
        gate: Callable[[Event], bool] | None = None,
        pace: Callable[[Event], Awaitable[None]] | None = None,
        discard: Callable[[Event], None] | None = None,
    ) -> None:
        self._handle = handle
        self._gate = gate
        self._pace = pace
        self._discard = discard
        self._limit = limit
        self._queues: dict[str, deque[Event]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self.dropped = 0

    def submit(self, event: Event) -> None:
        """Queue ``event`` for its scene; never blocks, never raises."""
        if self._gate is not None and not self._gate(event):
            return
        key = event.scene.key
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
        if len(queue) >= self._limit:
            dropped = queue.popleft()
            self.dropped += 1
            if self._discard is not None:
                self._discard(dropped)
            log.warning("scene %s is flooded: dropped its oldest waiting event", key)
        queue.append(event)
        self._idle.clear()
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"intake-{key}")

    async def _work(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                event = queue.popleft()
                try:
                    if self._pace is not None:
                        await self._pace(event)
                    await self._handle(event)
                except Exception:  # the dispatcher never raises; this guards the worker
                    log.exception("event %s could not be handled", event.dedup_key)
        finally:
            del self._workers[key]
            if not queue:
                self._queues.pop(key, None)
            if not self._workers:
                self._idle.set()

    async def drain(self) -> None:
        """Wait until every queued event was handled (tests, shutdown)."""
        await self._idle.wait()

    async def close(self) -> None:
        for task in list(self._workers.values()):
            task.cancel()
        for task in list(self._workers.values()):
            try:
                await task
            except (asyncio.CancelledError, Exception):
                log.debug("intake worker ended", exc_info=True)
