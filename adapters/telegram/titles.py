"""Custom admin titles: the only member title the Bot API has.

``setChatAdministratorCustomTitle`` works in supergroups, for administrators the bot itself
promoted, with at most 16 characters and no emoji. Anything else is refused by Telegram and
reported as :class:`~shequn.NotSupported`; the title still shows in the bot's own messages.
"""

from __future__ import annotations

import unicodedata

TITLE_LIMIT = 16
"""Characters Telegram keeps in a custom title."""


def custom_title(title: str) -> str:
    """``title`` as Telegram accepts it: emoji and invisible format characters removed,
    spaces folded, at most :data:`TITLE_LIMIT` characters."""
    kept = "".join(
        ch
        for ch in title
        if unicodedata.category(ch) not in ("So", "Cf", "Cs", "Co", "Cc")
        and not 0xFE00 <= ord(ch) <= 0xFE0F
    )
    return " ".join(kept.split())[:TITLE_LIMIT].strip()
