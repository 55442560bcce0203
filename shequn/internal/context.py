"""What a handler may do: reply, act on members, read its config, post points, schedule.

:class:`JobContext` serves scheduled jobs (no triggering event); :class:`Context` adds the
event, the acting user and ``reply``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from shequn.internal.adapter import NotSupported
from shequn.internal.event import Event, MessageEvent, Scene, User
from shequn.internal.i18n import format_duration
from shequn.internal.ledger import Outcome, Posting
from shequn.internal.message import Mention, Message, Segment
from shequn.internal.permission import Level
from shequn.internal.plugin import CommandSpec, Plugin

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.context")

M = TypeVar("M", bound=BaseModel)
Content = Message | Segment | str


class StopPropagation(Exception):
    """Raised by :meth:`Context.stop` so that no later handler sees the event."""


class JobContext:
    """Context of a scheduled job, or of any code acting in a scene without an event."""

    __slots__ = ("_config", "app", "plugin", "scene")

    def __init__(self, app: App, plugin: Plugin | None, scene: Scene | None) -> None:
        self.app = app
        self.plugin = plugin
        self.scene = scene
        self._config: BaseModel | None = None

    # -- where -----------------------------------------------------------------------------

    @property
    def group_key(self) -> str:
        return self.scene.group_key if self.scene is not None else ""

    @property
    def community(self) -> str:
        """The community the current group belongs to (the group itself when alone)."""
        return self.app.identity.community_of(self.group_key)

    # -- language and time -----------------------------------------------------------------

    @property
    def locale(self) -> str:
        return self.app.group_locale(self.group_key)

    def t(self, key: str, /, **values: Any) -> str:
        """Translate ``key`` from the plugin's catalogue (then the core's) for this group."""
        namespace = self.plugin.name if self.plugin is not None else "core"
        return self.app.translator.translate(namespace, self.locale, key, **values)

    def reason(self, stored: str, plugin: str = "") -> str:
        """A stored ledger or audit reason (maybe :func:`shequn.coded`) in this group's
        language; ``plugin`` is the plugin that wrote it."""
        return self.app.translator.reason(self.locale, stored, plugin)

    def duration(self, seconds: float) -> str:
        """``seconds`` as this group's language says it ("1 hour, 30 minutes")."""
        return format_duration(seconds, self.locale)

    @property
    def timezone(self) -> ZoneInfo:
        return self.app.group_timezone(self.group_key)

    def now(self) -> datetime:
        """Now, in the group's timezone."""
        return self.app.clock.now().astimezone(self.timezone)

    def today(self) -> date:
        """The group's local date (sign-in days follow it)."""
        return self.now().date()

    # -- config ----------------------------------------------------------------------------

    def config(self, model: type[M]) -> M:
        """This plugin's config for the current group, validated as ``model``."""
        if self._config is None:
            if self.plugin is None:
                raise RuntimeError("no plugin in this context")
            self._config = self.app.group_settings.config(self.plugin, self.group_key)
        if not isinstance(self._config, model):
            raise TypeError(f"plugin config is {type(self._config).__name__}, not {model.__name__}")
        return self._config

    # -- sending and acting ----------------------------------------------------------------

    async def send(self, content: Content, scene: Scene | None = None) -> str:
        target = scene or self.scene
        if target is None:
            raise RuntimeError("no scene to send to")
        return await self.app.send(target, Message.coerce(content))

    async def send_private(self, account: str, name: str, content: Content) -> bool:
        """Send to the account ``platform:user_id`` in private; False (and a log line) when
        that fails, as it does where bots may write only to members who wrote first."""
        user = User.from_key(account, name)
        try:
            await self.send(content, self.app.adapter(user.platform).private_scene(user))
        except Exception:
            log.warning("could not write to %s in private", account, exc_info=True)
            return False
        return True

    def mention(self, account: str, name: str) -> Mention | str:
        """A mention of ``platform:user_id`` where it lives on this scene's platform, else
        its name as text."""
        user = User.from_key(account, name)
        if self.scene is not None and user.platform == self.scene.platform:
            return Mention(user.id, name)
        return name

    async def _act(self, action: str, coro: Any) -> bool:
        try:
            await coro
        except NotSupported as exc:
            platform = self.app.translator.translate(
                "core", self.locale, f"platform.{exc.platform}"
            )
            await self.send(
                self.app.translator.translate(
                    "core",
                    self.locale,
                    "action.unsupported",
                    action=self.t(f"action.{action}"),
                    platform=platform,
                )
            )
            return False
        return True

    async def kick(self, user: User) -> bool:
        """Remove ``user`` from the scene; False (and a clear message) where not possible."""
        assert self.scene is not None
        return await self._act("kick", self.app.adapter(self.scene.platform).kick(self.scene, user))

    async def mute(self, user: User, duration: timedelta) -> bool:
        assert self.scene is not None
        seconds = int(duration.total_seconds())
        return await self._act(
            "mute", self.app.adapter(self.scene.platform).mute(self.scene, user, seconds)
        )

    async def ban(self, user: User) -> bool:
        assert self.scene is not None
        return await self._act("ban", self.app.adapter(self.scene.platform).ban(self.scene, user))

    async def delete(self, message_id: str) -> bool:
        assert self.scene is not None
        return await self._act(
            "delete", self.app.adapter(self.scene.platform).delete(self.scene, message_id)
        )

    # -- points and schedules --------------------------------------------------------------

    async def post(self, *postings: Posting) -> Outcome:
        return await self.app.ledger.post(*postings)

    def posting(self, person: str, amount: int, reason: str, key: str) -> Posting:
        """A posting in this community and group, on behalf of this plugin."""
        return Posting(
            person=person,
            community=self.community,
            amount=amount,
            reason=reason,
            key=key,
            group_key=self.group_key,
            plugin=self.plugin.name if self.plugin else "core",
        )

    async def schedule(
        self,
        job: str,
        at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
    ) -> bool:
        """Persist a job of this plugin due ``at``; with ``key`` it is scheduled at most once."""
        if self.plugin is None:
            raise RuntimeError("no plugin in this context")
        data = dict(payload or {})
        if self.scene is not None:
            data.setdefault("_scene", scene_to_dict(self.scene))
        return await self.app.scheduler.schedule(self.plugin.name, job, at, data, key=key)


class Context(JobContext):
    """Context of one event, handed to commands and event handlers."""

    __slots__ = ("_level", "command", "event")

    def __init__(self, app: App, event: Event, plugin: Plugin | None = None) -> None:
        super().__init__(app, plugin, event.scene)
        self.event = event
        self._level: Level | None = None
        self.command: CommandSpec | None = None
        """The command this message invokes, if any (found once, before any handler runs)."""

    def for_plugin(self, plugin: Plugin) -> Context:
        """A context for the next plugin: same event, its own config and translations."""
        ctx = Context(self.app, self.event, plugin)
        ctx._level = self._level
        ctx.command = self.command
        return ctx

    @property
    def user(self) -> User:
        return self.event.user

    @property
    def person(self) -> str:
        """The acting person's key: the same for all their linked accounts."""
        return self.app.identity.person_of(self.event.user.key)

    def person_of(self, user: User) -> str:
        return self.app.identity.person_of(user.key)

    @property
    def text(self) -> str:
        return self.event.text if isinstance(self.event, MessageEvent) else ""

    async def level(self) -> Level:
        """Superuser from config, else the platform role (admin/owner), else member."""
        if self._level is None:
            self._level = await self.app.level_of(self.event.scene, self.event.user)
        return self._level

    async def reply(self, content: Content) -> str:
        """Answer in the scene of the event. On a paced platform whose chat window is full,
        the answer waits in the chat's queue (maybe merged with others) and ``""`` is
        returned at once instead of its id."""
        event = self.event
        return await self.app.send(event.scene, Message.coerce(content), to=event.user)

    def stop(self) -> None:
        """Stop the event here: no later handler or command sees it."""
        raise StopPropagation


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    data: dict[str, Any] = {
        "platform": scene.platform,
        "kind": scene.kind.value,
        "id": scene.id,
        "name": scene.name,
    }
    if scene.parent is not None:
        data["parent"] = scene_to_dict(scene.parent)
    if scene.thread:
        data["thread"] = scene.thread
    return data


def scene_from_dict(data: dict[str, Any]) -> Scene:
    from shequn.internal.event import SceneKind

    parent = data.get("parent")
    return Scene(
        platform=str(data["platform"]),
        kind=SceneKind(data["kind"]),
        id=str(data["id"]),
        name=str(data.get("name", "")),
        parent=scene_from_dict(parent) if isinstance(parent, dict) else None,
        thread=str(data.get("thread") or ""),
    )
