"""Names and other member-supplied text made safe to show in the bot's messages.

Values go into ``Text`` segments, which no exporter interprets; on top of that, the
characters that start mentions or markup on some platform (``@everyone``, ``<@id>``,
``[CQ:at,qq=all]``) are replaced by look-alikes that mean nothing, invisible and
direction-changing characters are dropped, and length is capped. Only a ``Mention`` segment,
built from a real user id, can notify anyone.
"""

from __future__ import annotations

import unicodedata

_LOOKALIKES = str.maketrans({"@": "＠", "[": "［", "]": "］", "<": "‹", ">": "›", "`": "ˋ"})
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co"})


def safe_text(value: str, limit: int) -> str:
    """``value`` as inert plain text on one line, at most ``limit`` characters (with …)."""
    if len(value) > limit * 8:  # bound the work on huge input before looking at characters
        value = value[: limit * 8]
    kept = "".join(c for c in value if unicodedata.category(c) not in _DROPPED)
    text = " ".join(kept.split()).translate(_LOOKALIKES)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def safe_name(value: str, fallback: str, limit: int) -> str:
    """A display name for messages; ``fallback`` (an id) when nothing printable is left."""
    return safe_text(value, limit) or safe_text(fallback, limit) or "?"
