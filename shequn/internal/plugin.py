"""Plugin declarations: metadata, config model, commands, event handlers, jobs.

A :class:`Plugin` only *declares*; the registry turns declarations into live registrations
when the plugin is loaded, each with a disposer, so unloading (or reloading) removes exactly
what was added. Switching a plugin off in one group does not unload it: the dispatcher skips
it there.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from shequn.internal.arguments import ChoiceSource, Param, signature_params
from shequn.internal.event import Event, MessageEvent
from shequn.internal.filters import Filter
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from shequn.internal.context import JobContext

H = TypeVar("H", bound=Callable[..., Awaitable[Any]])

DEFAULT_PRIORITY = 100
"""Commands run at this priority; moderation-like handlers use a lower number to run first."""


class NoConfig(BaseModel):
    """Config model of plugins that have no settings."""


@dataclass(eq=False)
class CommandSpec:
    plugin: Plugin
    name: str
    """Lower case; a space makes a subcommand (``"signin rank"``)."""
    handler: Callable[..., Awaitable[Any]]
    params: tuple[Param, ...]
    aliases: tuple[str, ...] = ()
    """Other names after a prefix (``/签到``); every keyword is one too."""
    keywords: tuple[str, ...] = ()
    """Words that trigger the command without a prefix (``签到``), and with one."""
    permission: Level = Level.MEMBER
    user_cooldown: float = 0.0
    group_cooldown: float = 0.0
    group_only: bool = False
    help_key: str = ""
    filter: Filter | None = None

    def usage(self) -> str:
        return " ".join([self.name, *(p.usage() for p in self.params)])

    @property
    def prefixed_only(self) -> tuple[str, ...]:
        """The aliases that are not keywords: they need a prefix."""
        bare = {" ".join(k.lower().split()) for k in self.keywords}
        return tuple(a for a in self.aliases if a not in bare)


@dataclass(eq=False)
class HandlerSpec:
    plugin: Plugin
    event_type: type[Event]
    handler: Callable[[Any], Awaitable[Any]]
    priority: int = DEFAULT_PRIORITY
    filter: Filter | None = None


@dataclass(eq=False)
class JobSpec:
    plugin: Plugin
    name: str
    handler: Callable[[JobContext, dict[str, Any]], Awaitable[Any]]


PanelScope = Literal["group", "community"]
PanelRows = Callable[[Any, str], Awaitable[list[dict[str, Any]]]]
"""``async def rows(app, key)``: the panel's rows (column -> value) for a group or community key."""


@dataclass(eq=False)
class PanelSpec:
    """A table a plugin shows on the admin dashboard's group or community page."""

    plugin: Plugin
    title_key: str
    """Translation key of the panel's heading; columns use ``<title_key>.<column>``."""
    rows: PanelRows
    scope: PanelScope = "group"


@dataclass(eq=False)
class Plugin:
    """A feature: declare it once, it runs on every platform.

    ``title`` is shown by ``/help`` and ``/plugin list`` (the ``_title`` translation wins when
    the plugin ships one). ``config`` is a pydantic model whose defaults apply to every group
    until admins override them with ``/config``.
    """

    name: str
    title: str = ""
    description: str = ""
    config: type[BaseModel] = NoConfig
    enabled_by_default: bool = True
    switchable: bool = True
    """False for plugins that must stay on (the core's own commands)."""
    filter: Filter | None = None
    directory: Path | None = None
    """Where ``locales/`` and ``migrations/`` live; defaults to the declaring module's folder."""
    commands: list[CommandSpec] = field(default_factory=list)
    handlers: list[HandlerSpec] = field(default_factory=list)
    jobs: dict[str, JobSpec] = field(default_factory=dict)
    startup: list[Callable[[Any], Awaitable[None]]] = field(default_factory=list)
    panels: list[PanelSpec] = field(default_factory=list)
    package: str = ""
    """The declaring package; its optional ``cli`` module adds ``shequn <name> ...`` commands."""

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"plugin name {self.name!r} must be a lower-case identifier")
        caller = sys._getframe(2).f_globals
        if self.directory is None:
            path = caller.get("__file__")
            self.directory = Path(path).parent if path else None
        if not self.package:
            self.package = str(caller.get("__package__") or caller.get("__name__") or "")

    @property
    def locales_dir(self) -> Path | None:
        return self.directory / "locales" if self.directory else None

    @property
    def migrations_dir(self) -> Path | None:
        path = self.directory / "migrations" if self.directory else None
        return path if path is not None and path.is_dir() else None

    # -- declarations ----------------------------------------------------------------------

    def command(
        self,
        name: str,
        *,
        aliases: Sequence[str] = (),
        keywords: Sequence[str] = (),
        permission: Level = Level.MEMBER,
        user_cooldown: float = 0.0,
        group_cooldown: float = 0.0,
        group_only: bool = False,
        help: str = "",
        filter: Filter | None = None,
        choices: Mapping[str, ChoiceSource] | None = None,
    ) -> Callable[[H], H]:
        """Declare a command. ``help`` is a translation key (default ``help.<name>``);
        ``choices`` names, per argument, the async function listing its current values.

        This one declaration decides a command's names: ``aliases`` work after a prefix only
        (``/答题 开始``); ``keywords`` work bare (``签到``) and after a prefix, so a keyword
        need not be repeated in ``aliases``. ``/help`` and the command reference are
        generated from it."""

        def decorator(handler: H) -> H:
            self.commands.append(
                CommandSpec(
                    plugin=self,
                    name=" ".join(name.lower().split()),
                    handler=handler,
                    params=signature_params(handler, choices),
                    aliases=tuple(
                        dict.fromkeys(" ".join(a.lower().split()) for a in (*aliases, *keywords))
                    ),
                    keywords=tuple(dict.fromkeys(" ".join(k.split()) for k in keywords)),
                    permission=permission,
                    user_cooldown=user_cooldown,
                    group_cooldown=group_cooldown,
                    group_only=group_only,
                    help_key=help or f"help.{'.'.join(name.split())}",
                    filter=filter,
                )
            )
            return handler

        return decorator

    def on(
        self,
        event_type: type[Event] = MessageEvent,
        *,
        priority: int = DEFAULT_PRIORITY,
        filter: Filter | None = None,
    ) -> Callable[[H], H]:
        """Handle every event of ``event_type`` (default: messages) in enabled groups."""

        def decorator(handler: H) -> H:
            self.handlers.append(HandlerSpec(self, event_type, handler, priority, filter))
            return handler

        return decorator

    def job(self, name: str) -> Callable[[H], H]:
        """Declare a kind of scheduled job; schedule it with ``ctx.schedule(name, at, ...)``."""

        def decorator(handler: H) -> H:
            self.jobs[name] = JobSpec(self, name, handler)
            return handler

        return decorator

    def dashboard_panel(
        self, title_key: str, *, scope: PanelScope = "group"
    ) -> Callable[[PanelRows], PanelRows]:
        """Show ``rows(app, key)`` as a table on the dashboard's group (or community) page."""

        def decorator(rows: PanelRows) -> PanelRows:
            self.panels.append(PanelSpec(self, title_key, rows, scope))
            return rows

        return decorator

    def on_startup(
        self, hook: Callable[[Any], Awaitable[None]]
    ) -> Callable[[Any], Awaitable[None]]:
        """Run ``hook(app)`` once the database is ready."""
        self.startup.append(hook)
        return hook
