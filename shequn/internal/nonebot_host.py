"""nonebot2 inside Shequn's process and event loop, for adapters built on nonebot adapters.

``nonebot.run()`` would start an event loop and a web server of its own. Instead the host
initialises nonebot's FastAPI driver (with the websockets client for forward connections),
lets adapters register nonebot protocol adapters, copies the routes those add onto Shequn's
shared web server and runs nonebot's lifespan (startup, ready and shutdown hooks) itself.

Events take the leanest path nonebot supports: the moment the protocol adapter reports a
connected Bot (``Adapter.bot_connect``, before the Bot handles its first event) the Bot's
``handle_event`` is replaced by the subscriber's handler, so nonebot's message pipeline
(preprocessors, matchers) never runs for it. Every event of a connection, the first ones
too, takes that one path, so events keep the order they were sent in. (nonebot's
``on_bot_connect`` hook runs later, in a task of its own: events that arrived meanwhile
would take nonebot's slower pipeline and fall behind later ones.) Transport,
authentication, parsing and API calls stay nonebot's.

nonebot keeps its driver in module globals, so one host serves one app at a time in a
process; a later app gets a fresh driver once the earlier host stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import weakref
from abc import abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from shequn.internal.accounts import Accounts
from shequn.internal.adapter import Adapter
from shequn.internal.event import Event as ShequnEvent
from shequn.internal.event import Scene as ShequnScene
from shequn.internal.permission import Level

if TYPE_CHECKING:
    from nonebot.adapters import Adapter as NonebotAdapter
    from nonebot.adapters import Bot, Event
    from nonebot.drivers import Driver, WebSocket

    from shequn.internal.app import App

log = logging.getLogger("shequn.nonebot")

DRIVER = "~fastapi+~websockets"
"""FastAPI serves reverse connections; websockets opens forward ones."""

EventHandler = Callable[["Bot", "Event"], Awaitable[None]]
BotHook = Callable[["Bot"], None]
"""Runs synchronously, before any event of the Bot is delivered; slow work goes to a task."""


@dataclass(slots=True)
class Subscriber:
    """What one Shequn adapter wants from the nonebot adapter it registered."""

    on_event: EventHandler
    on_connect: BotHook
    on_disconnect: BotHook


_hosts: weakref.WeakKeyDictionary[App, NonebotHost] = weakref.WeakKeyDictionary()
_active: NonebotHost | None = None


class NonebotHost:
    """The nonebot driver of one app, shared by every adapter that speaks through nonebot."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.driver = _fresh_driver(self)
        self.ready = asyncio.Event()
        self._users = 0
        self._stopping: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def of(cls, app: App) -> NonebotHost:
        """The app's host, created (and nonebot initialised) on first use."""
        host = _hosts.get(app)
        if host is None:
            host = cls(app)
            _hosts[app] = host
        return host

    # -- set-up (while adapters are created) ------------------------------------------------

    def register(
        self,
        adapter: type[NonebotAdapter],
        subscriber: Subscriber,
        *,
        serve: bool,
        **config: Any,
    ) -> NonebotAdapter:
        """Register a nonebot adapter with its ``config`` keys (``onebot_v11_access_token``...);
        with ``serve``, its WebSocket endpoints join the app's web server."""
        for key, value in config.items():
            setattr(self.driver.config, key, value)
        name = adapter.get_name()
        server_app = getattr(self.driver, "server_app", None)
        before = {id(r) for r in server_app.router.routes} if server_app is not None else set()
        self.driver.register_adapter(handed_over(tolerant(adapter), subscriber))
        if serve:
            self._serve_routes(before)
        return self.driver._adapters[name]

    def _serve_routes(self, before: set[int]) -> None:
        server_app = getattr(self.driver, "server_app", None)
        if server_app is None:
            return
        from starlette.routing import WebSocketRoute

        web = self.app.web.app
        for route in server_app.router.routes:
            # WebSocket routes only: nonebot's OneBot v11 HTTP routes check a signature
            # secret, not the access token, and Shequn does not use HTTP mode.
            if isinstance(route, WebSocketRoute) and id(route) not in before:
                web.router.routes.append(route)

    # -- running -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Run nonebot's startup hooks (once, however many adapters ask) and wait for them."""
        self._users += 1
        if self._task is None:
            self._stopping = asyncio.Event()
            self._task = asyncio.create_task(self._lifespan(), name="shequn-nonebot")
        ready = asyncio.create_task(self.ready.wait())
        await asyncio.wait([ready, self._task], return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._task.done() and not self.ready.is_set():
            await self._task  # raises the start-up error

    async def stop(self) -> None:
        """Run nonebot's shutdown hooks once the last adapter using the host stopped."""
        self._users = max(0, self._users - 1)
        if self._users or self._task is None or self._stopping is None:
            return
        self._stopping.set()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        self._task = None

    async def _lifespan(self) -> None:
        global _active
        server_app = getattr(self.driver, "server_app", None)
        lifespan = server_app.router.lifespan_context(server_app) if server_app else None
        if lifespan is None:
            raise RuntimeError("the nonebot driver has no ASGI app")
        _active = self
        try:
            async with lifespan:
                self.ready.set()
                assert self._stopping is not None
                await self._stopping.wait()
        finally:
            self.ready.clear()
            _active = None


Own = TypeVar("Own", bound=ShequnEvent)


class HostedAdapter(Adapter):
    """Base of Shequn adapters that speak through a nonebot protocol adapter: the bot of
    each connected account, which account speaks where, roles remembered for a while,
    and the host's lifecycle."""

    role_cache_seconds: float = 300.0

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.host = NonebotHost.of(app)
        self.accounts = Accounts()
        self.bots: dict[str, Bot] = {}
        self._roles: dict[tuple[str, str], tuple[Level, float]] = {}
        self._stopped = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    def subscriber(self) -> Subscriber:
        return Subscriber(self.on_event, self._connected, self._disconnected)

    @abstractmethod
    async def on_event(self, bot: Bot, event: Event) -> None:
        """Translate one nonebot event and hand it to the core."""

    async def on_connect(self, bot: Bot) -> None:
        """An account connected (after it was recorded); runs beside its first events."""

    async def run(self) -> None:
        await self.host.start()
        await self._stopped.wait()

    async def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        for task in list(self._tasks):
            task.cancel()
        await self.host.stop()

    def _connected(self, bot: Bot) -> None:
        self.bots[bot.self_id] = bot
        self.accounts.connect(bot.self_id)
        log.info("%s account %s connected", self.platform, bot.self_id)
        self.background(self.on_connect(bot))

    def _disconnected(self, bot: Bot) -> None:
        if self.bots.get(bot.self_id) is bot:
            del self.bots[bot.self_id]
            self.accounts.disconnect(bot.self_id)
        log.info("%s account %s disconnected", self.platform, bot.self_id)

    def speaker(self, scene: ShequnScene) -> str:
        """The account :meth:`bot_for` picks for ``scene``: its own outbound window."""
        return self.accounts.speaker(scene.id) or ""

    def bot_for(self, place: str | None) -> Bot:
        """The bot that speaks in ``place`` (a group, or a private chat)."""
        account = self.accounts.speaker(place)
        bot = self.bots.get(account) if account is not None else None
        if bot is None:
            raise ConnectionError(f"no {self.platform} account is connected")
        return bot

    def own(self, event: Own) -> Own:
        """``event`` as the bot's own when it is about another of our connected accounts
        (one account sees the other join, be muted or speak in a shared group)."""
        if event.user.id != event.self_id and event.user.id in self.bots:
            return replace(event, self_id=event.user.id)
        return event

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` beside the event path; cancelled when the adapter stops."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- roles -------------------------------------------------------------------------------

    def cached_role(self, group: str, user: str) -> Level | None:
        held = self._roles.get((group, user))
        if held is None or held[1] < time.monotonic():
            return None
        return held[0]

    def remember_role(self, group: str, user: str, level: Level) -> None:
        if len(self._roles) > 100_000:
            now = time.monotonic()
            self._roles = {k: v for k, v in self._roles.items() if v[1] >= now}
        self._roles[(group, user)] = (level, time.monotonic() + self.role_cache_seconds)


# -- nonebot's globals ---------------------------------------------------------------------


def _fresh_driver(host: NonebotHost) -> Driver:
    """A newly initialised nonebot driver; the previous one must belong to a stopped host."""
    import nonebot
    from nonebot.drivers import Driver

    if _active is not None and _active is not host:
        raise RuntimeError("nonebot already runs for another app in this process")
    nonebot._driver = None  # a stopped app's driver: start afresh
    Driver._adapters.clear()
    _route_logs()
    # Shequn's settings are nonebot's only source: no .env files from the working directory.
    nonebot.init(_env_file=(os.devnull,), driver=DRIVER)
    return nonebot.get_driver()


async def _deliver(subscriber: Subscriber, bot: Bot, event: Event) -> None:
    try:
        await subscriber.on_event(bot, event)
    except Exception:
        log.exception("could not handle a %s event from bot %s", bot.type, bot.self_id)


def handed_over(adapter: type[NonebotAdapter], subscriber: Subscriber) -> type[NonebotAdapter]:
    """``adapter`` whose Bots deliver their events to ``subscriber`` from the start.

    nonebot's OneBot adapters call ``bot_connect`` after the handshake (v11) or with the
    account's first event (v12), and only then hand the Bot its events, each in a task of
    its own; the tasks start in the order the frames came. Replacing ``handle_event`` right
    there, synchronously, means no event can reach the Bot before the subscriber has it.
    """

    class HandedOver(adapter):  # type: ignore[valid-type,misc]
        def bot_connect(self, bot: Bot) -> None:
            super().bot_connect(bot)  # raises on a duplicate account: nothing to hand over

            async def handle_event(event: Event) -> None:
                await _deliver(subscriber, bot, event)

            setattr(bot, "handle_event", handle_event)  # noqa: B010 - shadows the class's
            subscriber.on_connect(bot)

        def bot_disconnect(self, bot: Bot) -> None:
            try:
                super().bot_disconnect(bot)
            finally:
                subscriber.on_disconnect(bot)

    HandedOver.__name__ = HandedOver.__qualname__ = f"HandedOver{adapter.__name__}"
    return HandedOver


# -- malformed frames ----------------------------------------------------------------------


def tolerant(adapter: type[NonebotAdapter]) -> type[NonebotAdapter]:
    """``adapter`` whose connections skip (and log) frames it cannot read: text that is not
    JSON (or nested too deep for Python's parser), binary frames that are not JSON (v11) or
    MessagePack (v12, which allows it), and JSON its event parser chokes on.

    nonebot's OneBot adapters close the whole connection on one unparsable frame; a bridge
    that sends one bad frame should not lose every later event. (Text that is not UTF-8
    never gets this far: the web server's WebSocket protocol skips it.)
    """
    readable = _is_msgpack if adapter.get_name() == "OneBot V12" else _is_json

    class Tolerant(adapter):  # type: ignore[valid-type,misc]
        @classmethod
        def json_to_event(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().json_to_event(json_data, *args, **kwargs)
            except Exception:  # e.g. a list where the collator expects a string
                log.warning("skipped a malformed event: %.200r", json_data, exc_info=True)
                return None

        async def _handle_ws(self, websocket: WebSocket) -> None:
            await super()._handle_ws(SkipMalformed(websocket, readable))

        @contextlib.asynccontextmanager
        async def websocket(self, setup: Any) -> AsyncIterator[WebSocket]:
            async with super().websocket(setup) as ws:
                yield SkipMalformed(ws, readable)

    Tolerant.__name__ = Tolerant.__qualname__ = f"Tolerant{adapter.__name__}"
    return Tolerant


def _skip_malformed_class() -> type[Any]:
    from nonebot.drivers import WebSocket

    class _SkipMalformed(WebSocket):
        """A nonebot WebSocket that passes on only frames its adapter can parse."""

        def __init__(self, inner: WebSocket, readable: Callable[[bytes], bool]) -> None:
            super().__init__(request=inner.request)
            self.inner = inner
            self.readable = readable

        @property
        def closed(self) -> bool:
            return self.inner.closed

        async def accept(self) -> None:
            await self.inner.accept()

        async def close(self, code: int = 1000, reason: str = "") -> None:
            await self.inner.close(code, reason)

        async def receive(self) -> str | bytes:
            while True:
                data = await self.inner.receive()
                if isinstance(data, str) and _is_json(data):
                    return data
                if isinstance(data, bytes) and self.readable(data):
                    return data
                kind = "text" if isinstance(data, str) else "binary"
                log.warning("skipped a malformed frame (%s, unreadable): %.200r", kind, data)

        async def receive_text(self) -> str:
            return await self.inner.receive_text()

        async def receive_bytes(self) -> bytes:
            return await self.inner.receive_bytes()

        async def send_text(self, data: str) -> None:
            await self.inner.send_text(data)

        async def send_bytes(self, data: bytes) -> None:
            await self.inner.send_bytes(data)

    return _SkipMalformed


_skip_class: type[Any] | None = None


def SkipMalformed(inner: WebSocket, readable: Callable[[bytes], bool]) -> WebSocket:
    global _skip_class
    if _skip_class is None:
        _skip_class = _skip_malformed_class()
    wrapped: WebSocket = _skip_class(inner, readable)
    return wrapped


def _is_json(data: str | bytes) -> bool:
    """Whether the adapter's own ``json.loads`` will read it. That call sits one level up
    the stack (the adapter's receive loop), so nesting that passes here passes there."""
    try:
        json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return False
    return True


def _is_msgpack(data: bytes) -> bool:
    import msgpack  # type: ignore[import-untyped]  # nonebot's OneBot v12 adapter needs it

    try:
        msgpack.unpackb(data)
    except Exception:  # ValueError subclasses, TypeError for unhashable map keys, ...
        return False
    return True


# -- logs ----------------------------------------------------------------------------------


def _route_logs() -> None:
    """nonebot logs through loguru to stdout; Shequn keeps stdout for the conversation, so
    its records go to Python logging (``nonebot``), info and above."""
    from nonebot.log import logger

    logger.remove()
    logger.add(_to_logging, level="INFO", format="{message}", colorize=False)


def _to_logging(message: Any) -> None:
    record = message.record
    target = logging.getLogger("nonebot")
    level = record["level"].no
    if not target.isEnabledFor(level):
        return
    error = record["exception"]
    exc_info = (error.type, error.value, error.traceback) if error is not None else None
    target.log(level, "%s", str(message).rstrip("\n"), exc_info=exc_info)
