"""Links the bot itself produced: its web app's addresses and every link it has sent.

Moderation must never treat these as ads or newcomers' links (a member reposting their
share link, an event page or the invite link the bot made for them), and plugins never
import each other, so the core keeps the notion. Two sources:

- the web app's public addresses: ``http://[web] host:port`` and the ``public_url`` of any
  section (``[sharelinks]``, ``[events]``, ...), so links the web app serves stay the bot's
  own after a restart;
- every ``http(s)`` link in a message the bot sent (``App.send``): invite links it created,
  pages of other plugins. Kept in memory, bounded, for ``REMEMBER_SECONDS``.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict

from pydantic import BaseModel, ConfigDict

from shequn.internal.clock import Clock
from shequn.internal.config import Settings, adapter_settings
from shequn.internal.message import Message

REMEMBER = 10_000
"""Links sent by the bot that are remembered (the oldest are forgotten first)."""
REMEMBER_SECONDS = 30 * 86_400.0
"""How long a sent link counts as the bot's own."""

_SENT_URL = re.compile(r"(?i)\bhttps?://[^\s<>\"'“”‘’（）()]+")
_SCHEME = re.compile(r"(?i)^(?:https?://)?(?:www\.)?")
_TRAILING = ".,;:!?。，；：！？)]}>”’"


class _Public(BaseModel):
    model_config = ConfigDict(extra="ignore")
    public_url: str = ""


def normal(url: str) -> str:
    """``https://www.Example.org/s/Ab1/`` -> ``example.org/s/Ab1``: scheme, ``www.`` and
    trailing punctuation dropped, the host lowercased, the path kept as written (invite codes
    are case-sensitive)."""
    rest = _SCHEME.sub("", url.strip()).rstrip(_TRAILING).rstrip("/")
    host, slash, path = rest.partition("/")
    return host.lower() + slash + path


def public_urls(settings: Settings) -> list[str]:
    """The web app's addresses: ``[web]`` host and port, and every section's ``public_url``."""
    found = [f"http://{settings.web.host}:{settings.web.port}"]
    sections = set((settings.model_extra or {}).keys())
    for key in os.environ:
        head, sep, tail = key.upper().partition("__")
        if sep and tail == "PUBLIC_URL" and head.startswith("SHEQUN_"):
            sections.add(head.removeprefix("SHEQUN_").lower())
    for name in sorted(sections):
        try:
            url = adapter_settings(settings, name, _Public).public_url.strip()
        except Exception:
            continue  # not a section of that shape (a list, a typo): not an address
        if url:
            found.append(url)
    return found


class OwnLinks:
    """``app.own_links``: whether a link in a member's message is one the bot produced."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._clock = clock
        self._bases = [normal(url) for url in public_urls(settings)]
        self._sent: OrderedDict[str, float] = OrderedDict()

    def sent(self, message: Message) -> None:
        """Remember the links of a message the bot sends."""
        text = message.plain_text
        if "://" not in text:
            return
        now = self._clock.now().timestamp()
        for match in _SENT_URL.finditer(text):
            link = normal(match.group(0))
            self._sent[link] = now
            self._sent.move_to_end(link)
        while len(self._sent) > REMEMBER:
            self._sent.popitem(last=False)

    def is_own(self, url: str) -> bool:
        """True for a link under one of the web app's addresses or one the bot sent lately
        (with or without its scheme, as members paste it)."""
        link = normal(url)
        if not link:
            return False
        for base in self._bases:
            if link == base or link.startswith(base + "/"):
                return True
        when = self._sent.get(link)
        return when is not None and self._clock.now().timestamp() - when <= REMEMBER_SECONDS
