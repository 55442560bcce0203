"""Small challenges for newcomers: press a button, solve a sum, or pick the named emoji.

The emoji choices are the same six in the same order every time, so where buttons become
numbered choices ("reply 1-6") a number means the same emoji for every newcomer, even when
several join at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

EMOJIS: tuple[tuple[str, str], ...] = (
    ("🍎", "apple"),
    ("🚗", "car"),
    ("🐱", "cat"),
    ("⚽", "ball"),
    ("🌙", "moon"),
    ("🎈", "balloon"),
)
"""(emoji, name key) in the order they are offered."""

BUTTON_ANSWER = "ok"


@dataclass(frozen=True, slots=True)
class Challenge:
    kind: str
    """``button``, ``arithmetic`` or ``emoji``."""
    answer: str
    question: str = ""
    """The sum to solve (``7 + 5``) or the translation key of the emoji's name."""


def make(kind: str) -> Challenge:
    if kind == "arithmetic":
        a, b = 2 + secrets.randbelow(19), 2 + secrets.randbelow(19)
        if secrets.randbelow(2):
            return Challenge(kind, str(a + b), f"{a} + {b}")
        high, low = max(a, b), min(a, b)
        return Challenge(kind, str(high - low), f"{high} − {low}")
    if kind == "emoji":
        emoji, name = EMOJIS[secrets.randbelow(len(EMOJIS))]
        return Challenge(kind, emoji, f"emoji.{name}")
    return Challenge("button", BUTTON_ANSWER)


def normalise(kind: str, given: str) -> str:
    """What a typed reply or a pressed button's choice stands for, comparable to an answer."""
    text = given.strip()
    if kind == "arithmetic":
        try:
            return str(int(text))
        except ValueError:
            return text
    if kind == "emoji" and text.isdecimal() and 1 <= int(text) <= len(EMOJIS):
        return EMOJIS[int(text) - 1][0]
    if kind == "button" and text in ("1", BUTTON_ANSWER):
        return BUTTON_ANSWER
    return text.replace("\ufe0f", "")


def correct(kind: str, answer: str, given: str) -> bool:
    return normalise(kind, given) == answer.replace("\ufe0f", "")
