"""Exporter: what the bot sends -> lines on stdout.

A message to the scene you are in prints as it is. A message elsewhere (another group, a
private message to someone) starts with a label saying where it went. The console's own notes
start with ``# `` so a transcript can be filtered (``grep -v '^# '``) down to the bot's words.
"""

from __future__ import annotations

from shequn import Message
from shequn.internal.simulation import export_text

NOTE_PREFIX = "# "


def render(message: Message) -> str:
    """Segments -> text (buttons were already turned into numbered choices by the core)."""
    return export_text(message)


def labelled(text: str, label: str) -> str:
    """``text`` with ``label`` in front, alone on its line when the text spans several."""
    if not label:
        return text
    return f"{label}\n{text}" if "\n" in text else f"{label} {text}"


def as_note(text: str) -> str:
    """Every line of ``text`` marked as the console's, not the bot's."""
    return "\n".join(
        NOTE_PREFIX + line if line else NOTE_PREFIX.rstrip() for line in text.split("\n")
    )
