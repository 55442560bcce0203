"""``GET /s/{code}`` on the bot's web app: count the click, count the visitor once, and send
the visitor on: straight (302) to a site of the community's ``allowed_domains``, otherwise
through a page that names the destination.

Visitors are counted by a cookie the server signs and, so that dropping or forging cookies
or changing browsers gains nothing, by address: an address (IPv4, or an IPv6 /64) brings a
link at most one new visitor per 24 hours. The address is the connection's peer unless that
is one of ``[web] trusted_proxies`` (``shequn.web.client_address``). Only keyed hashes are
stored."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from shequn import App
from shequn.web import address_key, client_address

from .config import SharelinksConfig, base_url, share_settings
from .declaration import plugin
from .domains import allowed
from .page import HEADERS, leaving_page
from .store import click
from .visitors import address_hash, new_visitor, stored_key, verified, visitor_hash

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

log = logging.getLogger("shequn.plugins.sharelinks")

COOKIE = "shequn_v"
COOKIE_AGE = 400 * 86_400
WINDOW = 86_400.0
"""An address brings one link at most one new visitor in this many seconds."""
_CODE = re.compile(r"^[2-9a-z]{4,16}$")


@plugin.on_startup
async def add_route(app: App) -> None:
    from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

    key = share_settings(app.settings).secret or await app.db.write(stored_key, "sharelinks")
    secure = base_url(app.settings).startswith("https://")
    trusted = app.settings.web.trusted_proxies

    async def open_link(request: Request) -> Response:
        code = str(request.path_params.get("code", ""))
        if not _CODE.match(code):
            return PlainTextResponse("not found", status_code=404)
        address = address_hash(key, address_key(client_address(request.scope, trusted)))
        cookie = None
        visitor = verified(key, request.cookies.get(COOKIE))
        if visitor is None:
            visitor, cookie = new_visitor(key)
        hashed = visitor_hash(key, visitor)
        now = app.clock.now().timestamp()
        try:
            link = await app.db.write(
                lambda conn: click(conn, code, hashed, address, now, WINDOW), "sharelinks"
            )
        except Exception:
            log.exception("could not record a click on share link %s", code)
            return PlainTextResponse("try again later", status_code=503)
        if link is None:
            return PlainTextResponse("not found", status_code=404)
        config = app.group_settings.config(plugin, link.group_key)
        domains = config.allowed_domains if isinstance(config, SharelinksConfig) else []
        response: Response
        if domains and allowed(link.url, domains):
            response = RedirectResponse(link.url, status_code=302)
            response.headers["Referrer-Policy"] = "no-referrer"
        else:
            locale = app.group_locale(link.group_key)

            def t(name: str, /, **values: object) -> str:
                return app.translator.translate(plugin.name, locale, name, **values)

            response = HTMLResponse(leaving_page(t, locale, link.url), headers=HEADERS)
        if cookie is not None:
            response.set_cookie(
                COOKIE, cookie, max_age=COOKIE_AGE, httponly=True, samesite="lax", secure=secure
            )
        return response

    path = "/s/{code}"
    if not any(getattr(route, "path", None) == path for route in app.web.app.router.routes):
        app.web.app.add_route(path, open_link, methods=["GET"], include_in_schema=False)
