"""What ``/share`` accepts: an http(s) address, or one of our own links (then the member
re-shares it and the chain grows)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

MAX_URL = 1000
_OWN = re.compile(r"/s/([2-9a-z]{4,16})/?$")


def clean_url(text: str) -> str | None:
    """A safe http(s) address (non-ASCII percent-encoded), or None."""
    text = text.strip()
    if not text or len(text) > MAX_URL * 2 or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    url = quote(text, safe=":/?#[]@!$&'()*+,;=%~-._")
    return url if len(url) <= MAX_URL else None


def own_code(url: str, base: str) -> str | None:
    """The code when ``url`` is one of our links (under ``base``)."""
    if not url.startswith(base + "/s/"):
        return None
    match = _OWN.search(url)
    return match.group(1) if match else None
