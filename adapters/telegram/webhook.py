"""The webhook route on Shequn's shared web server.

Telegram posts each update as JSON with the secret given to ``setWebhook`` in
``X-Telegram-Bot-Api-Secret-Token``. A request without the right secret gets 403 and is not
looked at; a body that is not a JSON object gets 400. Accepted updates are answered at once
(200) and handled in the background, so a slow plugin never makes Telegram resend.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response

from shequn.internal.web import same_secret

log = logging.getLogger("shequn.telegram.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Bytes; Telegram's updates are far smaller, anything larger is refused."""


def install(
    web: FastAPI, path: str, secret: str, accept: Callable[[dict[str, Any]], Awaitable[None]]
) -> None:
    """Serve ``POST path``: check the secret, then hand the update to ``accept``."""

    async def receive(request: Request) -> Response:
        if not same_secret(request.headers.get(SECRET_HEADER), secret):
            log.warning("webhook request from %s with a wrong or missing secret", _peer(request))
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            log.warning("webhook body of %d bytes refused", len(body))
            return Response(status_code=413)
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            log.warning("webhook body is not JSON; skipped")
            return Response(status_code=400)
        if not isinstance(update, dict):
            log.warning("webhook body is not a JSON object; skipped")
            return Response(status_code=400)
        await accept(update)
        return Response(status_code=200)

    web.add_api_route(path, receive, methods=["POST"], include_in_schema=False)


def _peer(request: Request) -> str:
    return request.client.host if request.client is not None else "?"
