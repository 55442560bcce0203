"""One web server for every endpoint: webhooks, OneBot reverse WebSockets, the dashboard.

Adapters add routes (or mount ASGI apps) while they are created; the runtime serves the app
only when something was added, in the bot's own event loop. FastAPI and uvicorn are
imported on first use, so a console-only start never loads them.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
from typing import TYPE_CHECKING, Any

from shequn.internal.body_limit import BodyLimit, BodyLimits
from shequn.internal.config import WebSettings
from shequn.internal.web_headers import SecurityHeaders

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("shequn.web")


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented token with the configured one."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` (or ``Token TOKEN``) header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "token") and token.strip() else None


class WebServer:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.body_limits = BodyLimits(settings.max_body_kib * 1024)
        self._app: FastAPI | None = None
        self._server: Any = None
        self.started = asyncio.Event()

    @property
    def app(self) -> FastAPI:
        """The ASGI app; created (and FastAPI imported) on first use."""
        if self._app is None:
            from fastapi import FastAPI

            self._app = FastAPI(title="Shequn", docs_url=None, redoc_url=None, openapi_url=None)
            self._app.state.body_limits = self.body_limits  # routes set theirs: limit_body()
            self._app.add_middleware(BodyLimit, limits=self.body_limits)
            self._app.add_middleware(SecurityHeaders)
        return self._app

    @property
    def needed(self) -> bool:
        """True once an adapter or plugin has added a route."""
        return self._app is not None and len(self._app.router.routes) > 0

    @property
    def port(self) -> int:
        """The port really listened on (differs from the setting when that is 0)."""
        if self._server is not None and self._server.servers:
            sockets = self._server.servers[0].sockets
            if sockets:
                return int(sockets[0].getsockname()[1])
        return self.settings.port

    async def serve(self) -> None:
        """Serve until cancelled. A port that cannot be listened on (taken by another
        program) is logged and the bot runs on without its web endpoints: the console and
        polling adapters need none, and uvicorn itself would end the whole process."""
        import uvicorn

        host, port = self.settings.host, self.settings.port
        try:
            listening = _listen(host, port)
        except OSError as error:
            log.error(
                "the web server cannot listen on %s:%d (%s): web pages, webhooks and OneBot "
                "reverse connections are unavailable; set [web] port (SHEQUN_WEB__PORT) to a "
                "free port",
                host,
                port,
                error.strerror or error,
            )
            return
        config = uvicorn.Config(
            self.app,
            host=self.settings.host,
            port=self.settings.port,
            log_level="warning",
            lifespan="off",
            ws=_ws_protocol(),
            ws_max_size=self.settings.max_message_kib * 1024,
            proxy_headers=False,  # uvicorn would believe 127.0.0.1; see client_address
        )
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # the runtime owns signals
        task = asyncio.create_task(self._server.serve(sockets=[listening]))
        while not self._server.started and not task.done():  # noqa: ASYNC110 - uvicorn offers no event
            await asyncio.sleep(0.01)
        if self._server.started:
            log.info("web server on http://%s:%d", self.settings.host, self.port)
            self.started.set()
        try:
            await task
        finally:
            self._server.should_exit = True

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True


def _listen(host: str, port: int) -> socket.socket:
    """A bound socket for uvicorn; raises OSError when the address is taken or unknown."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError:
        listening.close()
        raise
    listening.set_inheritable(True)
    return listening


def _ws_protocol() -> type[asyncio.Protocol] | str:
    """uvicorn's sans-I/O websockets protocol, skipping text messages that are not UTF-8
    (:mod:`shequn.internal.ws_protocol`); uvicorn's choice where it lacks that protocol."""
    try:
        from shequn.internal.ws_protocol import SkipBadText
    except ImportError:
        return "auto"
    return SkipBadText
