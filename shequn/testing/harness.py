"""The :class:`Harness`: drive an app through the simulated platform and read its replies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from shequn.internal.adapter import Capabilities
from shequn.internal.app import App
from shequn.internal.clock import SimulatedClock
from shequn.internal.config import Settings
from shequn.internal.event import Event
from shequn.internal.plugin import Plugin
from shequn.internal.simulation import Sent, SimulatedPlatform


class Harness:
    """One bot under test. Every ``say``/``join``/``advance`` returns what the bot sent.

    ``database`` is a SQLite file path or any database URL. ``capabilities`` makes the
    simulated platform lack what some real ones lack (buttons, mute, deletion);
    ``enforce_mutes`` refuses a muted member's messages (``say`` sends nothing) as platforms do.
    """

    def __init__(
        self,
        plugins: Iterable[Plugin],
        database: Path | str,
        *,
        platform: str = "test",
        group: str = "group",
        user: str = "alice",
        start: datetime | None = None,
        capabilities: Capabilities | None = None,
        enforce_mutes: bool = False,
        **settings: Any,
    ) -> None:
        url = database if isinstance(database, str) else f"sqlite+aiosqlite:///{database}"
        settings.setdefault("database", {"url": url})
        # One harness is one worker: state shared across workers only when a test asks.
        settings.setdefault("cluster", {"shared": False})
        self.settings = Settings(**settings)
        self.clock = SimulatedClock(start)
        self.app = App(self.settings, clock=self.clock)
        self.app.load_plugins(plugins)
        self.platform = SimulatedPlatform(self.app, platform, capabilities)
        self.app.add_adapter(self.platform)
        self.enforce_mutes = enforce_mutes
        """Refuse the messages of muted members, as real platforms do."""
        self.group = group
        self.user = user
        self._closed = False

    async def start(self) -> Harness:
        await self.app.start()
        return self

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self.app.stop()

    async def __aenter__(self) -> Harness:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- acting --------------------------------------------------------------------------

    async def _collect(self, event: Event | None = None) -> list[str]:
        before = len(self.platform.sent)
        if event is not None:
            await self.app.dispatch(event)
        return [s.text for s in self.platform.sent[before:]]

    async def say(
        self,
        text: str,
        *,
        user: str | None = None,
        group: str | None = "",
        event_id: str | None = None,
        reply_to: str | None = None,
    ) -> str:
        """Post ``text`` as ``user`` in ``group`` (None: in private); the replies, joined.

        ``reply_to`` makes it a reply to that message id, quoting it when remembered."""
        where = self.group if group == "" else group
        author = user or self.user
        if self.enforce_mutes and where is not None and self.platform.is_muted(author, where):
            return ""
        event = self.platform.message_event(author, text, where, event_id, reply_to)
        return "\n".join(await self._collect(event))

    async def deliver(self, event: Event) -> list[str]:
        """Dispatch a ready-made event (e.g. the same event twice, as a redelivery)."""
        return await self._collect(event)

    def message(
        self,
        text: str,
        *,
        user: str | None = None,
        group: str | None = "",
        event_id: str | None = None,
        reply_to: str | None = None,
    ) -> Event:
        where = self.group if group == "" else group
        return self.platform.message_event(user or self.user, text, where, event_id, reply_to)

    async def join(self, user: str, *, inviter: str | None = None, group: str | None = None) -> str:
        event = self.platform.join_event(user, group or self.group, inviter)
        return "\n".join(await self._collect(event))

    async def request_join(
        self,
        user: str,
        comment: str = "",
        *,
        inviter: str | None = None,
        group: str | None = None,
    ) -> str:
        """``user`` applies to join (a join request with ``comment``); what the bot sent."""
        event = self.platform.join_request_event(user, group or self.group, comment, inviter)
        return "\n".join(await self._collect(event))

    async def leave(self, user: str, *, group: str | None = None) -> str:
        event = self.platform.leave_event(user, group or self.group)
        return "\n".join(await self._collect(event))

    async def press(self, data: str, *, user: str | None = None, group: str | None = "") -> str:
        where = self.group if group == "" else group
        event = self.platform.press_event(user or self.user, where, data)
        return "\n".join(await self._collect(event))

    def make_admin(self, user: str, *, group: str | None = None) -> None:
        self.platform.group(group or self.group).admins.add(user)

    async def advance(self, delta: timedelta) -> str:
        """Move the clock forward and run the jobs that fell due; what they sent."""
        before = len(self.platform.sent)
        self.clock.advance(delta)
        await self.app.scheduler.run_due()
        return "\n".join(s.text for s in self.platform.sent[before:])

    @property
    def sent(self) -> list[Sent]:
        return self.platform.sent

    @property
    def actions(self) -> list[tuple[str, str, str]]:
        return self.platform.actions

    def person(self, user: str | None = None) -> str:
        return self.app.identity.person_of(f"{self.platform.platform}:{user or self.user}")

    def community(self, group: str | None = None) -> str:
        return self.app.identity.community_of(f"{self.platform.platform}:{group or self.group}")

    async def balance(self, user: str | None = None, group: str | None = None) -> int:
        return await self.app.ledger.balance(self.person(user), self.community(group))
