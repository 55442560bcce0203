"""Quotes shown back are inert: no mention, CQ code or markup in an archived message can
ping anyone or act when the bot repeats it.

Text segments are never parsed as markup by Shequn's exporters; on top of that a word
joiner (U+2060) after every ``@`` (and full-width ``＠``) breaks ``@everyone``, ``@here``,
``<@123>`` and ``@name`` forms, one after ``[`` of ``[CQ:`` breaks OneBot codes, and control
characters (other than newlines) and bidirectional overrides are dropped.
"""

from __future__ import annotations

import re
import unicodedata

from shequn import Image, Mention, Message, Text

JOINER = "\u2060"
_CQ = re.compile(r"\[(?=\s*CQ\s*:)", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain_text(message: Message) -> str:
    """What an archived message said: text, mentions as ``@name``, images as ``[image]``."""
    parts: list[str] = []
    for segment in message:
        if isinstance(segment, Text):
            parts.append(segment.text)
        elif isinstance(segment, Mention):
            parts.append("@" + (segment.name or segment.user_id))
        elif isinstance(segment, Image):
            parts.append("[image]")
    return "".join(parts).strip()


def inert(text: str, limit: int = 2000) -> str:
    cleaned = "".join(
        ch
        for ch in text
        if ch == "\n" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
    )
    cleaned = _BLANK_LINES.sub("\n\n", cleaned)
    cleaned = cleaned.replace("@", "@" + JOINER).replace("＠", "＠" + JOINER)
    cleaned = _CQ.sub("[" + JOINER, cleaned)
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned
