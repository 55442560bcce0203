"""Per-app dashboard state: the groups it lists (from the core registry, ``app.groups``), who
may open which group, running broadcasts.

Plugin objects are module singletons shared by every app in a process (tests run many), so
the state hangs off the app in a weak map instead of the plugin.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from shequn.internal.dashboard.auth import Session
from shequn.internal.dashboard.health_cache import HealthCache
from shequn.internal.event import Scene, SceneKind, User
from shequn.internal.groups import KnownGroup
from shequn.internal.identity import CommunityInfo
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from shequn.internal.app import App

ACCESS_TTL = 120.0
"""How long a group admin's role, read from the platform, is trusted before asking again."""


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group as the dashboard lists it: a group of the core registry (``app.groups``), or
    one joined to a community but not seen yet (``last_seen`` 0)."""

    key: str
    platform: str
    scene: Scene
    """Where to send to reach the group, and where to ask the platform for roles."""
    name: str
    last_seen: float

    @classmethod
    def of(cls, known: KnownGroup) -> GroupView:
        name = known.name or known.scene.group.id
        return cls(known.group_key, known.platform, known.scene, name, known.last_seen)

    @classmethod
    def unseen(cls, key: str) -> GroupView:
        platform, _, group_id = key.partition(":")
        scene = Scene(platform=platform, kind=SceneKind.GROUP, id=group_id)
        return cls(key, platform, scene, group_id, 0.0)


class DashboardState:
    def __init__(self, app: App) -> None:
        self.app = app
        self.health = HealthCache(app)
        self.tasks: set[asyncio.Task[None]] = set()
        self._access: dict[tuple[str, str], tuple[bool, float]] = {}

    # -- which groups -------------------------------------------------------------------

    async def groups(self) -> list[GroupView]:
        """Every group seen, plus groups joined to a community but not seen yet."""
        known = {g.group_key: GroupView.of(g) for g in await self.app.groups.known()}
        for community in self.app.identity.communities():
            for key in community.groups:
                if key not in known:
                    known[key] = GroupView.unseen(key)
        return sorted(known.values(), key=lambda g: (g.platform, g.name.lower(), g.key))

    async def group(self, key: str) -> GroupView | None:
        for group in await self.groups():
            if group.key == key:
                return group
        return None

    async def visible_groups(self, session: Session) -> list[GroupView]:
        groups = await self.groups()
        if session.superuser:
            return groups
        return [g for g in groups if await self.can_manage(session, g)]

    # -- access -------------------------------------------------------------------------

    async def can_manage(self, session: Session, group: GroupView) -> bool:
        """Superusers manage every group; others the groups where the platform makes the
        account they logged in with an admin or owner (never an account linked to it)."""
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

    async def _is_admin(self, subject: str, group: GroupView) -> bool:
        user = User.from_key(subject)
        if user.platform != group.platform:
            return False
        return await self.app.level_of(group.scene, user) >= Level.ADMIN


_states: WeakKeyDictionary[App, DashboardState] = WeakKeyDictionary()


def state_of(app: App) -> DashboardState:
    state = _states.get(app)
    if state is None:
        state = _states[app] = DashboardState(app)
    return state
