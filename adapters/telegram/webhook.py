"""The webhook route on Shequn's shared web server.

Telegram posts each update as JSON with the secret given to ``setWebhook`` in
``X-Telegram-Bot-Api-Secret-Token``. A request without the right secret gets 403 and is not
looked at; a body that is not a JSON object (or nested too deep to parse) gets 400, one over
:data:`MAX_BODY` gets 413 while it arrives. Accepted updates are answered at once (200) and
handled in the background, so a slow plugin never makes Telegram resend.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response

from shequn.internal.body_limit import limit_body
from shequn.internal.web import same_secret

log = logging.getLogger("shequn.telegram.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Bytes; Telegram's updates are far smaller, anything larger is refused (by the web app's
body limit, before it is read)."""


def install(
    web: FastAPI, path: str, secret: str, accept: Callable[[dict[str, Any]], Awaitable[None]]
) -> None:
    """Serve ``POST path``: check the secret, then hand the update to ``accept``."""

    async def receive(request: Request) -> Response:
        if not same_secret(request.headers.get(SECRET_HEADER), secret):
            log.warning("webhook request from %s with a wrong or missing secret", _peer(request))
            return Response(status_code=403)
        body = await request.body()
        try:
            update = json.loads(body)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            log.warning("webhook body is not JSON (or nested too deep); skipped")
            return Response(status_code=400)
        if not isinstance(update, dict):
            log.warning("webhook body is not a JSON object; skipped")
            return Response(status_code=400)
        await accept(update)
        return Response(status_code=200)

    limit_body(web, path, MAX_BODY)
    web.add_api_route(path, receive, methods=["POST"], include_in_schema=False)


def _peer(request: Request) -> str:
    return request.client.host if request.client is not None else "?"
