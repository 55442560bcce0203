"""What one message says about its author, reduced to counters (no text kept).

These counters are the whole input of the role heuristics in :mod:`rules`: length, links,
questions, replies, mentions, commands and words of complaint. Computed in the hot path, so
each is one cheap scan of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shequn.internal.event import MessageEvent
from shequn.internal.message import Mention

_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|cn|net|org|io)\b", re.IGNORECASE)

DISSENT_WORDS: tuple[str, ...] = (
    "不满",
    "垃圾",
    "太差",
    "差劲",
    "凭什么",
    "为什么不",
    "抗议",
    "投诉",
    "乱七八糟",
    "什么破",
    "不公平",
    "terrible",
    "useless",
    "ridiculous",
    "complain",
    "unfair",
    "sucks",
)
"""Words of open discontent (挑战者 “对群的管理方式或者交流内容公开提出不满”)."""

MAX_SCANNED = 4000
"""Characters of a message that are scanned; longer messages are counted by length only."""


@dataclass(frozen=True, slots=True)
class MessageMetrics:
    chars: int
    link: bool
    question: bool
    reply: bool
    mentions: int
    dissent: bool


def measure(event: MessageEvent) -> MessageMetrics:
    """The counters of one message."""
    text = event.message.plain_text
    head = text[:MAX_SCANNED]
    lowered = head.lower()
    return MessageMetrics(
        chars=len(text),
        link=_LINK.search(head) is not None,
        question="?" in head or "？" in head,
        reply=event.reply_to is not None or event.quoted is not None,
        mentions=sum(1 for s in event.message if isinstance(s, Mention)),
        dissent=any(word in lowered for word in DISSENT_WORDS),
    )
