"""The page between a share link and a site the community did not vouch for: it names the
destination and lets the visitor decide, so the bot's address never sends anyone straight
to an arbitrary site."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .domains import host_of

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}"
    "code{word-break:break-all;display:block;padding:.75rem;background:#f3f3f3}"
    "a.go{display:inline-block;margin-top:1rem;padding:.5rem 1rem;background:#2557a7;"
    "color:#fff;text-decoration:none;border-radius:.25rem}"
)


def leaving_page(t: Callable[..., str], locale: str, url: str) -> str:
    """HTML naming ``url`` (an http(s) address from ``clean_url``) with a link to it."""
    host = host_of(url)
    return (
        f'<!doctype html><html lang="{escape(locale)}"><head><meta charset="utf-8">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t('leave.title'))}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(t('leave.title'))}</h1>"
        f"<p>{escape(t('leave.intro', host=host))}</p>"
        f"<code>{escape(url)}</code>"
        f"<p>{escape(t('leave.caution'))}</p>"
        f'<a class="go" href="{escape(url, quote=True)}" rel="noreferrer noopener">'
        f"{escape(t('leave.continue', host=host))}</a>"
        "</body></html>"
    )
