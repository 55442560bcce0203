"""Per-app dashboard state: known groups, who may open which group, running broadcasts.

Plugin objects are module singletons shared by every app in a process (tests run many), so
the state hangs off the app in a weak map instead of the plugin.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from shequn.internal.dashboard.auth import Session
from shequn.internal.dashboard.health_cache import HealthCache
from shequn.internal.dashboard.store import GroupBook, KnownGroup
from shequn.internal.event import Scene, SceneKind, User
from shequn.internal.identity import CommunityInfo
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from shequn.internal.app import App

ACCESS_TTL = 120.0
"""How long a group admin's role, read from the platform, is trusted before asking again."""


class DashboardState:
    def __init__(self, app: App) -> None:
        self.app = app
        self.book = GroupBook(app.db)
        self.health = HealthCache(app)
        self.tasks: set[asyncio.Task[None]] = set()
        self._access: dict[tuple[str, str], tuple[bool, float]] = {}
        self._failures: dict[str, list[float]] = {}

    # -- which groups -------------------------------------------------------------------

    async def groups(self) -> list[KnownGroup]:
        """Every group seen, plus groups joined to a community but not seen yet."""
        known = {g.key: g for g in await self.book.all()}
        for community in self.app.identity.communities():
            for key in community.groups:
                if key not in known:
                    platform, _, gid = key.partition(":")
                    known[key] = KnownGroup(key, platform, SceneKind.GROUP.value, gid, 0.0)
        return sorted(known.values(), key=lambda g: (g.platform, g.name.lower(), g.key))

    async def group(self, key: str) -> KnownGroup | None:
        for group in await self.groups():
            if group.key == key:
                return group
        return None

    async def visible_groups(self, session: Session) -> list[KnownGroup]:
        groups = await self.groups()
        if session.superuser:
            return groups
        return [g for g in groups if await self.can_manage(session, g)]

    # -- access -------------------------------------------------------------------------

    async def can_manage(self, session: Session, group: KnownGroup) -> bool:
        """Superusers manage every group; others the groups where the platform makes one of
        their linked accounts an admin or owner."""
        if session.superuser:
            return True
        now = time.monotonic()
        cached = self._access.get((session.subject, group.key))
        if cached is not None and now - cached[1] < ACCESS_TTL:
            return cached[0]
        allowed = await self._is_admin(session.subject, group)
        self._access[(session.subject, group.key)] = (allowed, now)
        return allowed

    async def can_manage_community(self, session: Session, community: CommunityInfo) -> bool:
        """Superusers manage every community; others a community with at least one group
        when they manage every one of its groups."""
        if session.superuser:
            return True
        if not community.groups:
            return False
        known = {g.key: g for g in await self.groups()}
        for key in community.groups:
            group = known.get(key)
            if group is None or not await self.can_manage(session, group):
                return False
        return True

    async def _is_admin(self, subject: str, group: KnownGroup) -> bool:
        identity = self.app.identity
        platform, _, group_id = group.key.partition(":")
        try:
            kind = SceneKind(group.kind)
        except ValueError:
            kind = SceneKind.GROUP
        scene = Scene(platform=platform, kind=kind, id=group_id, name=group.name)
        for account in identity.accounts_of(identity.person_of(subject)):
            account_platform, _, user_id = account.partition(":")
            if account_platform != platform:
                continue
            user = User(platform=platform, id=user_id)
            if await self.app.level_of(scene, user) >= Level.ADMIN:
                return True
        return False

    # -- login throttling ---------------------------------------------------------------

    def too_many_failures(self, client: str, limit: int = 10, window: float = 600.0) -> bool:
        now = time.monotonic()
        recent = [t for t in self._failures.get(client, []) if now - t < window]
        self._failures[client] = recent
        return len(recent) >= limit

    def failed(self, client: str) -> None:
        self._failures.setdefault(client, []).append(time.monotonic())


_states: WeakKeyDictionary[App, DashboardState] = WeakKeyDictionary()


def state_of(app: App) -> DashboardState:
    state = _states.get(app)
    if state is None:
        state = _states[app] = DashboardState(app)
    return state
