"""Builder: one input line -> a meta-line for the console, or a message for the bot.

``:name args`` simulates the world; ``::text`` sends ``:text`` to the bot; anything else is a
message whose ``@name`` words become mentions (the core's simulated-platform builder).
"""

from __future__ import annotations

from dataclasses import dataclass

from shequn import Message
from shequn.internal.simulation import build_message

META = ":"


@dataclass(frozen=True, slots=True)
class MetaLine:
    """``:clock +1d`` -> name ``clock``, args ``("+1d",)``."""

    name: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Say:
    """Text to post as the current speaker."""

    text: str

    @property
    def message(self) -> Message:
        return build_message(self.text)


Line = MetaLine | Say | None


def parse_line(line: str) -> Line:
    """Classify a line; ``None`` for a blank one (nothing to do)."""
    text = line.rstrip("\r\n")
    if not text.strip():
        return None
    if text.startswith(META + META):
        return Say(text[1:])
    if text.startswith(META):
        words = text[1:].split()
        if not words:
            return MetaLine("", ())
        return MetaLine(words[0].lower(), tuple(words[1:]))
    return Say(text)
