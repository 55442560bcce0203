"""What a message breaks: pure checks over its text and mentions, no I/O.

Only the first ``SCAN_LIMIT`` characters are examined so that a huge message costs no more
than a long one; the regular expressions admins set are length-limited by the config model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shequn import Mention, Message

from .config import ModerationConfig, Rule

SCAN_LIMIT = 4000

_URL = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63})*"
    r"\.(?:com|net|org|io|cn|me|gg|cc|co|xyz|top|info|link|app|ly)(?:/[^\s<>\"']*)?\b"
)
_INVITE = re.compile(
    r"(?i)(?:t\.me|telegram\.me|telegram\.dog)/(?:\+|joinchat/)[\w-]+"
    r"|discord(?:app)?\.(?:gg|com/invite)/[\w-]+"
    r"|(?:qm|jq)\.qq\.com/[^\s]+"
    r"|qun\.qq\.com/[^\s]+"
    r"|chat\.whatsapp\.com/[\w-]+"
    r"|weixin\.qq\.com/g/[\w-]+"
    r"|u\.wechat\.com/[\w-]+"
)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: Rule
    detail: str
    """What matched, shortened, for the audit log."""


def _domain(url: str) -> str:
    host = re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", url).split("/", 1)[0]
    return host.split(":", 1)[0].lower()


def _allowed(url: str, allowed: list[str]) -> bool:
    host = _domain(url)
    return any(host == d or host.endswith("." + d) for d in allowed)


def _without_own(text: str, own: Callable[[str], bool]) -> str:
    """``text`` with the links the bot itself produced blanked out: never ads or links."""
    return _URL.sub(lambda m: " " if own(m.group(0)) else m.group(0), text)


def content_violation(
    message: Message,
    config: ModerationConfig,
    *,
    newcomer: bool,
    own: Callable[[str], bool] = lambda _url: False,
    command: bool = False,
) -> Violation | None:
    """The first content rule ``message`` breaks (invite links, ads, links, mentions).

    Links ``own`` recognises as the bot's are left out of every rule; a ``command`` for the
    bot (``/share URL``) is not held to the link rules, its link is for the bot."""
    text = _without_own(message.plain_text[:SCAN_LIMIT], own)
    if config.block_invite_links:
        found = _INVITE.search(text)
        if found is not None:
            return Violation("invite_link", found.group(0)[:80])
    lowered = text.lower()
    for word in config.ad_keywords:
        if word and word in lowered:
            return Violation("ad", word)
    for pattern in config.ad_patterns:
        try:
            found = re.search(pattern, text)
        except re.error:
            continue
        if found is not None:
            return Violation("ad", found.group(0)[:80] or pattern[:80])
    if not command and (config.block_links or (newcomer and config.newcomer_block_links)):
        for match in _URL.finditer(text):
            if not _allowed(match.group(0), config.allowed_domains):
                return Violation("link", match.group(0)[:80])
    limit = config.newcomer_max_mentions if newcomer else config.max_mentions
    if limit:
        mentions = sum(1 for s in message if isinstance(s, Mention))
        mentions += lowered.count("@everyone") + lowered.count("@all") + lowered.count("@全体成员")
        if mentions > limit:
            return Violation("mentions", str(mentions))
    return None
