"""The application object: wires storage, plugins, adapters and the dispatcher together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shequn.internal.adapter import Adapter
from shequn.internal.analytics import Analytics
from shequn.internal.audit import Audit
from shequn.internal.clock import Clock, SystemClock
from shequn.internal.config import Settings
from shequn.internal.context import JobContext, scene_from_dict
from shequn.internal.contributions import Contributions
from shequn.internal.dispatcher import Dispatcher
from shequn.internal.event import Event, Scene, User
from shequn.internal.fallback import PendingChoices, addressee, degrade
from shequn.internal.group_settings import CACHE as SETTINGS_CACHE
from shequn.internal.group_settings import GroupSettings
from shequn.internal.groups import Groups
from shequn.internal.i18n import Translator
from shequn.internal.identity import CACHE as IDENTITY_CACHE
from shequn.internal.identity import Identity
from shequn.internal.intake import SCENE_QUEUE_LIMIT, Intake
from shequn.internal.invites import Invites
from shequn.internal.ledger import Ledger
from shequn.internal.limits import Limits
from shequn.internal.message import Message
from shequn.internal.outbound import Outbound
from shequn.internal.own_links import OwnLinks
from shequn.internal.pace import RealTimer, Timer
from shequn.internal.permission import Level
from shequn.internal.plugin import Plugin
from shequn.internal.registry import Disposer, Registry
from shequn.internal.scheduler import DueJob, Scheduler
from shequn.internal.state_sync import StateSync
from shequn.internal.storage import migrate
from shequn.internal.storage.database import Database
from shequn.internal.titles import Titles
from shequn.internal.web import WebServer

log = logging.getLogger("shequn")


class App:
    """One running bot: its settings, database, plugins and adapters."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        database: Database | None = None,
    ) -> None:
        from shequn.internal.builtin import core_plugin

        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.db = database or Database(
            settings.database.url, batch_size=settings.database.batch_size
        )
        self.translator = Translator()
        self.registry = Registry()
        self.contributions = Contributions(self)
        self.ledger = Ledger(self.db, self.clock)
        self.identity = Identity(self.db, self.clock)
        self.titles = Titles(self.db, self.clock)
        self.invites = Invites(self.db, self.clock)
        self.audit = Audit(self.db, self.clock, self.identity)
        self.groups = Groups(self.db, self.clock, self.identity)
        self.group_settings = GroupSettings(self.db, settings.plugin_defaults)
        self.state_sync = StateSync(self.db)
        self.state_sync.register(IDENTITY_CACHE, self.identity.load)
        self.state_sync.register(SETTINGS_CACHE, self.group_settings.load)
        self.scheduler = Scheduler(self.db, self.clock, self._run_job)
        self.dispatcher = Dispatcher(self)
        self.analytics = Analytics(self)
        self.choices = PendingChoices()
        self.own_links = OwnLinks(settings, self.clock)
        """Links the bot produced (its web app's addresses, links it sent): never ads."""
        self.web = WebServer(settings.web)
        self.timer: Timer = RealTimer()
        """The clock and sleep of rate limits and outbound pacing (tests swap in a virtual one)."""
        self.limits = Limits(self, settings.limits)
        self.outbound = Outbound(self)
        self.intake = Intake(
            self.dispatch,
            limit=SCENE_QUEUE_LIMIT + settings.limits.group_queue,
            gate=self.limits.admit,
            pace=self.limits.pace,
            discard=self.limits.discard,
        )
        self.adapters: dict[str, Adapter] = {}
        self.superusers = frozenset(settings.superusers)
        self._plugin_disposers: dict[str, Disposer] = {}
        self._started = False
        self._tasks: list[asyncio.Task[None]] = []
        self._bot_names: dict[str, tuple[str, ...]] = {}
        self._migration_dirs: list[Path] = []
        self.core = core_plugin
        self.load_plugin(core_plugin)

    # -- plugins ---------------------------------------------------------------------------

    def load_plugin(self, plugin: Plugin) -> Disposer:
        """Register a plugin (before :meth:`start`, so its migrations run)."""
        if self._started and plugin.migrations_dir is not None:
            raise RuntimeError(f"plugin {plugin.name} has migrations: load it before start")
        dispose = self.registry.load(plugin)
        if plugin.locales_dir is not None:
            self.translator.load_directory(plugin.name, plugin.locales_dir)
        self._plugin_disposers[plugin.name] = dispose

        def unload() -> None:
            dispose()
            self.translator.remove(plugin.name)
            self._plugin_disposers.pop(plugin.name, None)
            self.contributions.withdraw(plugin.name)

        return unload

    def load_plugins(self, plugins: Iterable[Plugin]) -> None:
        for plugin in plugins:
            self.load_plugin(plugin)

    @property
    def plugins(self) -> dict[str, Plugin]:
        return self.registry.plugins

    def plugin(self, name: str) -> Plugin | None:
        return self.registry.plugins.get(name)

    # -- adapters --------------------------------------------------------------------------

    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    def adapter(self, platform: str) -> Adapter:
        try:
            return self.adapters[platform]
        except KeyError:
            raise LookupError(f"no adapter for platform {platform!r}") from None

    def set_bot_names(self, platform: str, names: Iterable[str]) -> None:
        """Usernames the bot answers to in ``/cmd@name`` on ``platform``."""
        self._bot_names[platform] = tuple(names)

    def bot_names(self, platform: str) -> tuple[str, ...]:
        return self._bot_names.get(platform, ())

    def add_migrations(self, directory: Path) -> None:
        """An alembic folder (one branch) applied at :meth:`start`, for an adapter's own
        tables; plugins ship theirs in ``migrations/`` and need not call this."""
        if self._started:
            raise RuntimeError("migrations must be added before start")
        if directory not in self._migration_dirs:
            self._migration_dirs.append(directory)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, *, serve: bool = True) -> None:
        """Migrate the database, load caches, run plugin start hooks and due jobs.

        ``serve=False`` (maintenance commands, no adapter to talk through) stops after the
        caches: start hooks and due jobs wait for the bot itself.
        """
        if self._started:
            return
        self.db.start()
        locations = [p.migrations_dir for p in self.plugins.values() if p.migrations_dir]
        locations.extend(self._migration_dirs)
        await self.db.run_sync_admin(lambda conn: migrate.upgrade(conn, locations))
        await self.state_sync.load_all()
        self._started = True
        if not serve:
            return
        for plugin in list(self.plugins.values()):
            for hook in plugin.startup:
                try:
                    await hook(self)
                except Exception:
                    log.exception("start-up hook of plugin %s failed", plugin.name)
        await self.scheduler.run_due()

    def start_background(self) -> None:
        """Start the scheduler loop (not used by the console, which drives its own clock)
        and, with several workers sharing the database, the check for their changes."""
        self._tasks.append(
            asyncio.create_task(self.scheduler.run_forever(), name="shequn-scheduler")
        )
        cluster = self.settings.cluster
        if cluster.shared_on(self.db.dialect):
            self._tasks.append(
                asyncio.create_task(
                    self.state_sync.run_forever(cluster.refresh_seconds), name="shequn-state-sync"
                )
            )

    def start_web(self) -> None:
        """Serve the web app when an adapter or plugin added routes to it."""
        if self.web.needed:
            self._tasks.append(asyncio.create_task(self.web.serve(), name="shequn-web"))

    async def stop(self) -> None:
        """Stop everything; a step that hangs is logged and left behind, never waited on
        for ever, so a stop request always ends the process."""
        await _bounded("web server", self.web.stop())
        await _bounded("event intake", self.intake.close())
        await _bounded("outbound queue", self.outbound.drain())
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            await _bounded(task.get_name(), _settled(task))
        self._tasks.clear()
        for platform, adapter in self.adapters.items():
            await _bounded(f"adapter {platform}", adapter.stop())
        await _bounded("analytics", self.analytics.close())
        await _bounded("database", self.db.close())
        self._started = False

    # -- events in, messages out -----------------------------------------------------------

    async def dispatch(self, event: Event) -> None:
        """Handle one event now (the console and tests, which want each answer in turn)."""
        pending = self.groups.sighting(event.scene)
        if pending is not None:
            await pending
        await self.dispatcher.dispatch(event)

    def submit(self, event: Event) -> None:
        """Hand over an event from a real platform: ordered per scene, concurrent across."""
        self.intake.submit(event)

    async def send(self, scene: Scene, message: Message, *, to: User | None = None) -> str:
        """Send ``message`` to ``scene``; ``to`` marks an answer to that person, which may
        wait in the chat's outbound queue and leave merged with others (returning ``""``)."""
        adapter = self.adapter(scene.platform)
        locale = self.group_locale(scene.group_key)

        def translate(key: str, **values: object) -> str:
            return self.translator.translate("core", locale, key, **values)

        self.own_links.sent(message)
        degraded, choices = degrade(message, adapter.capabilities, translate)
        if choices:
            now = self.clock.now().timestamp()
            self.choices.offer(scene.key, choices, now, only=addressee(message))
        if adapter.pace is None:
            return await adapter.send(scene, degraded)
        return await self.outbound.send(scene, degraded, adapter.pace, adapter.send, to=to)

    # -- group-level facts -----------------------------------------------------------------

    def group_locale(self, group_key: str) -> str:
        value = self.group_settings.config(self.core, group_key)
        return str(getattr(value, "locale", None) or self.settings.locale)

    def group_timezone(self, group_key: str) -> ZoneInfo:
        value = self.group_settings.config(self.core, group_key)
        name = str(getattr(value, "timezone", None) or self.settings.timezone)
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    async def level_of(self, scene: Scene, user: User) -> Level:
        """The acting account's own level: superuser when that account is listed, else its
        role on its platform here. Never through a linked account (links share points, not
        power)."""
        if user.key in self.superusers:
            return Level.SUPERUSER
        if scene.is_private:
            return Level.MEMBER
        adapter = self.adapters.get(scene.platform)
        if adapter is None:
            return Level.MEMBER
        try:
            return await adapter.role_of(scene, user)
        except Exception:
            log.warning("could not read the role of %s in %s", user.key, scene.key, exc_info=True)
            return Level.MEMBER

    # -- jobs ------------------------------------------------------------------------------

    async def _run_job(self, job: DueJob) -> None:
        spec = self.registry.jobs.get((job.plugin, job.job))
        if spec is None:
            raise LookupError(f"no job {job.job!r} in plugin {job.plugin!r} (not loaded?)")
        scene_data = job.payload.get("_scene")
        scene = scene_from_dict(scene_data) if isinstance(scene_data, dict) else None
        payload = {k: v for k, v in job.payload.items() if k != "_scene"}
        await spec.handler(JobContext(self, spec.plugin, scene), payload)


STOP_STEP_SECONDS = 10.0


async def _settled(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def _bounded(what: str, step: Awaitable[None]) -> None:
    """Run one shutdown step, logging (not raising) a failure or a hang."""
    try:
        await asyncio.wait_for(step, STOP_STEP_SECONDS)
    except TimeoutError:
        log.error("stopping %s took over %.0fs; going on without it", what, STOP_STEP_SECONDS)
    except Exception:
        log.exception("stopping %s failed", what)
