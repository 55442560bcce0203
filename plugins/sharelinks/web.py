"""``GET /s/{code}`` on the bot's web app: count the click, count the visitor once, and
redirect (302) to the shared address.

A visitor is known by a cookie the first visit sets; without it (first visit, or cookies
refused) by their address and browser. Only a salted hash is stored."""

from __future__ import annotations

import hashlib
import logging
import re
from typing import TYPE_CHECKING

from shequn import App

from .config import share_settings
from .declaration import plugin
from .store import click

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

log = logging.getLogger("shequn.plugins.sharelinks")

COOKIE = "shequn_v"
COOKIE_AGE = 400 * 86_400
_CODE = re.compile(r"^[2-9a-z]{4,16}$")
_VISITOR = re.compile(r"^[0-9a-f]{32}$")


def visitor_id(cookie: str | None, address: str, agent: str) -> str:
    """The cookie's id when it is one of ours, else one derived from address and browser
    (and then set as the cookie, so the same visitor keeps the same id)."""
    if cookie and _VISITOR.match(cookie):
        return cookie
    return hashlib.sha256(f"{address}|{agent[:500]}".encode()).hexdigest()[:32]


def visitor_hash(secret: str, visitor: str) -> str:
    return hashlib.sha256(f"{secret}|{visitor}".encode()).hexdigest()


@plugin.on_startup
async def add_route(app: App) -> None:
    from fastapi.responses import PlainTextResponse, RedirectResponse

    secret = share_settings(app.settings).secret

    async def open_link(request: Request) -> Response:
        code = str(request.path_params.get("code", ""))
        if not _CODE.match(code):
            return PlainTextResponse("not found", status_code=404)
        address = request.client.host if request.client else ""
        cookie = request.cookies.get(COOKIE)
        visitor = visitor_id(cookie, address, request.headers.get("user-agent", ""))
        hashed = visitor_hash(secret, visitor)
        now = app.clock.now().timestamp()
        try:
            url = await app.db.write(lambda conn: click(conn, code, hashed, now), "sharelinks")
        except Exception:
            log.exception("could not record a click on share link %s", code)
            return PlainTextResponse("try again later", status_code=503)
        if url is None:
            return PlainTextResponse("not found", status_code=404)
        response = RedirectResponse(url, status_code=302)
        if cookie != visitor:
            response.set_cookie(COOKIE, visitor, max_age=COOKIE_AGE, httponly=True, samesite="lax")
        return response

    path = "/s/{code}"
    if not any(getattr(route, "path", None) == path for route in app.web.app.router.routes):
        app.web.app.add_route(path, open_link, methods=["GET"], include_in_schema=False)
