"""Builder: one input line -> a meta-line for the console, or a message for the bot.

``:name args`` simulates the world; ``::text`` sends ``:text`` to the bot; anything else is a
message whose ``@name`` words become mentions (the core's simulated-platform builder).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shequn import Message
from shequn.internal.simulation import build_message

META = ":"


@dataclass(frozen=True, slots=True)
class MetaLine:
    """``:clock +1d`` -> name ``clock``, args ``("+1d",)``."""

    name: str
    args: tuple[str, ...]
    rest: str = field(default="", compare=False)
    """The line after the name as typed (spacing kept), for meta-lines that carry a message."""


@dataclass(frozen=True, slots=True)
class Say:
    """Text to post as the current speaker."""

    text: str

    @property
    def message(self) -> Message:
        return build_message(self.text)


Line = MetaLine | Say | None

PASTE_END = META + "end"
"""The line that ends ``:paste``."""


@dataclass
class Paste:
    """Lines collected by ``:paste`` (or ``:reply N`` without text) until ``:end``: one
    message, sent as typed (no line in it is a meta-line)."""

    reply_to: str | None = None
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line.rstrip("\r\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


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
        rest = text[1:].lstrip().removeprefix(words[0]).lstrip()
        return MetaLine(words[0].lower(), tuple(words[1:]), rest)
    return Say(text)
