"""A cap on request bodies, enforced while they arrive, for every HTTP endpoint.

Starlette reads a whole body (``request.body()``, form parsing) before a route can look at
its size, so a route's own check comes after the memory is spent. This ASGI middleware sits
in front of the whole app: a declared ``Content-Length`` over the cap is refused with 413
before anything is read, and a body without one (chunked) is counted as the app receives
it and refused the moment it passes the cap. The refusal closes the connection, so the rest
of an upload is never read. WebSocket connections pass untouched (their messages are capped
by the server's ``ws_max_size``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("shequn.web")


class BodyLimits:
    """The cap in bytes for each path: ``default``, unless a route set its own."""

    def __init__(self, default: int) -> None:
        self.default = default
        self.paths: dict[str, int] = {}

    def set(self, path: str, max_bytes: int) -> None:
        self.paths[path] = max_bytes

    def of(self, path: str) -> int:
        return self.paths.get(path, self.default)


def limit_body(web: FastAPI, path: str, max_bytes: int) -> None:
    """Let requests to ``path`` on the shared web app carry up to ``max_bytes`` of body
    (more or less than the ``[web] max_body_kib`` default)."""
    limits = getattr(web.state, "body_limits", None)
    if not isinstance(limits, BodyLimits):
        raise RuntimeError("this web app has no body limit middleware")
    limits.set(path, max_bytes)


class TooLarge(Exception):
    """Raised into the app when its body passed the cap (it stops reading)."""


class BodyLimit:
    """Pure ASGI middleware: refuse bodies over the cap of their path with 413."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limits.of(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            _log_refusal(scope, f"{declared} bytes declared", cap)
            await _refuse(send)
            return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            if over:
                raise TooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    over = True
                    raise TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return  # the app answering its failed read; the 413 goes out instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over:
                raise
            # TooLarge itself, or what the app made of it (FastAPI: a parsing error)
        if over:
            _log_refusal(scope, "more sent", cap)
            if started:
                raise TooLarge  # the response already began: the server drops the connection
            await _refuse(send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-length", b"0"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def _log_refusal(scope: Scope, what: str, cap: int) -> None:
    client = scope.get("client")
    peer = client[0] if client else "?"
    log.warning(
        "refused a request body to %s from %s: %s (limit %d bytes)", scope["path"], peer, what, cap
    )
