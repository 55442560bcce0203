"""The check-in screen: ``GET /events/{id}/qr/{token}`` on the bot's web app shows the
event's title and the current check-in code, as text and as a QR code (inline SVG, made
locally), and reloads itself when the minute turns.

The QR code holds the text a member sends to check in (``/event checkin ID CODE``): any
phone's camera shows it, and the member sends it to the bot in the group or in private.

Access needs an unguessable link an organiser gets in private from ``/event qr ID``: the
token is an HMAC of the event's secret (never shown) and the link's expiry, which is when
check-in closes. A wrong token gets 404, an expired link or a closed event 403; neither
says anything about the event.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel

from shequn import App, Settings, adapter_settings

from .declaration import plugin
from .models import EventRow
from .passcode import code_for, minute_of
from .store import get

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

log = logging.getLogger("shequn.plugins.events")

PATH = "/events/{event_id}/qr/{token}"
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


class EventsWebSettings(BaseModel):
    """The ``[events]`` section (or ``SHEQUN_EVENTS__KEY``)."""

    public_url: str = ""
    """The web app's address as organisers reach it (``https://bot.example.org``); empty:
    the ``[web]`` host and port."""
    qr_page: bool = True
    """Serve the check-in QR page (and answer ``/event qr``)."""


def web_settings(settings: Settings) -> EventsWebSettings:
    return adapter_settings(settings, "events", EventsWebSettings)


def base_url(settings: Settings) -> str:
    configured = web_settings(settings).public_url.strip().rstrip("/")
    return configured or f"http://{settings.web.host}:{settings.web.port}"


def _signature(secret: str, event_id: int, expires: int) -> str:
    message = f"events-qr:{event_id}:{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def make_token(event: EventRow, expires: float) -> str:
    """The link's token: its expiry (whole seconds) and a signature over the event and it."""
    seconds = int(expires)
    return f"{seconds}-{_signature(event.secret, event.id or 0, seconds)}"


def token_expiry(event: EventRow, token: str) -> int | None:
    """The expiry of a genuine token for this event; None for anything else."""
    seconds, _, signature = token.partition("-")
    if not seconds.isascii() or not seconds.isdecimal() or len(seconds) > 12:
        return None
    expected = _signature(event.secret, event.id or 0, int(seconds))
    if not hmac.compare_digest(signature.encode("utf-8", "replace"), expected.encode()):
        return None
    return int(seconds)


def link(settings: Settings, event: EventRow, expires: float) -> str:
    return f"{base_url(settings)}/events/{event.id}/qr/{make_token(event, expires)}"


def checkin_text(settings: Settings, event_id: int, code: str) -> str:
    """What a member sends to check in, as the QR code holds it."""
    return f"{settings.commands.prefixes[0]}event checkin {event_id} {code}"


def qr_svg(text: str) -> str:
    import segno

    return str(segno.make_qr(text, error="m").svg_inline(scale=10, border=4))


def page(title: str, event_id: int, code: str, text: str, refresh: int) -> str:
    """The screen: title, code in large digits, the QR code, the text it holds."""
    name = html.escape(title)
    return f"""<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{refresh}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>#{event_id} {name}</title>
<style>body{{font-family:sans-serif;text-align:center;margin:2em}}
.code{{font-size:5em;letter-spacing:.2em;font-weight:bold;margin:.3em 0}}
.qr svg{{width:min(70vw,60vh);height:auto}}</style></head>
<body><h1>#{event_id} {name}</h1>
<div class="code" id="code">{html.escape(code)}</div>
<div class="qr">{qr_svg(text)}</div>
<p><code id="text">{html.escape(text)}</code></p>
</body></html>
"""


@plugin.on_startup
async def add_route(app: App) -> None:
    if not web_settings(app.settings).qr_page:
        return
    from fastapi.responses import HTMLResponse, PlainTextResponse

    async def qr_page(request: Request) -> Response:
        raw_id = str(request.path_params.get("event_id", ""))
        token = str(request.path_params.get("token", ""))[:100]
        missing = PlainTextResponse("not found", status_code=404, headers=_HEADERS)
        if not raw_id.isascii() or not raw_id.isdecimal() or len(raw_id) > 12:
            return missing
        event_id = int(raw_id)
        try:
            event = await app.db.read(lambda conn: get(conn, event_id))
        except Exception:
            log.exception("could not read event %s for its QR page", event_id)
            return PlainTextResponse("try again later", status_code=503, headers=_HEADERS)
        if event is None:
            return missing
        expires = token_expiry(event, token)
        if expires is None:
            return missing
        now = app.clock.now().timestamp()
        if now >= expires or event.state != "open":
            return PlainTextResponse("this link has expired", status_code=403, headers=_HEADERS)
        code = code_for(event.secret, event_id, minute_of(now))
        refresh = 61 - int(now % 60)  # just after the minute turns
        text = checkin_text(app.settings, event_id, code)
        body = page(event.title, event_id, code, text, refresh)
        return HTMLResponse(body, headers=_HEADERS)

    web = app.web.app
    if not any(getattr(route, "path", None) == PATH for route in web.router.routes):
        web.add_route(PATH, qr_page, methods=["GET"], include_in_schema=False)
