"""Finding the command in a message: prefixes, ``/cmd@botname``, subcommands, keywords."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from shequn.internal.message import Message, Segment, Text
from shequn.internal.plugin import CommandSpec
from shequn.internal.registry import Registry

MAX_COMMAND_WORD = 64


@dataclass(frozen=True, slots=True)
class Match:
    command: CommandSpec
    name: str
    """The name as typed and resolved (``signin rank``)."""
    args: Message
    """What follows the command name."""


@dataclass(frozen=True, slots=True)
class Unknown:
    word: str
    prefix: str


def _strip_leading(message: Message, count: int) -> Message:
    """Drop ``count`` characters of leading text from the message."""
    segments = list(message)
    out: list[Segment] = []
    remaining = count
    for index, segment in enumerate(segments):
        if remaining <= 0 or not isinstance(segment, Text):
            out.extend(segments[index:])
            break
        if len(segment.text) > remaining:
            out.append(Text(segment.text[remaining:]))
            out.extend(segments[index + 1 :])
            break
        remaining -= len(segment.text)
    return Message(out)


def find(
    registry: Registry,
    message: Message,
    prefixes: Sequence[str],
    bot_names: Sequence[str] = (),
) -> Match | Unknown | None:
    """The command a message invokes, an unknown prefixed word, or None for plain chat."""
    if not message or not isinstance(message[0], Text):
        return None
    text = message[0].text
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    if not stripped:
        return None
    prefix = next((p for p in prefixes if stripped.startswith(p)), None)
    if prefix is None:
        return _keyword(registry, message, stripped, lead)
    body = stripped[len(prefix) :]
    words = body.split(None, 2)
    if not words:
        return None
    first = words[0]
    if "@" in first:  # /signin@shequn_bot: ours only when the name is ours
        first, _, target = first.partition("@")
        if bot_names and target.lower() not in {n.lower() for n in bot_names}:
            return None
    first = first.lower()[:MAX_COMMAND_WORD]
    if len(words) > 1:
        pair = f"{first} {words[1].lower()}"
        spec = registry.commands.get(pair)
        if spec is not None:
            consumed = body.index(words[1], len(words[0])) + len(words[1])
            return Match(spec, spec.name, _strip_leading(message, lead + len(prefix) + consumed))
    spec = registry.commands.get(first)
    if spec is None:
        return Unknown(first, prefix)
    consumed = len(words[0])
    return Match(spec, spec.name, _strip_leading(message, lead + len(prefix) + consumed))


def _keyword(registry: Registry, message: Message, text: str, lead: int) -> Match | None:
    """Prefix-less keywords; a two-word keyword (``签到 排行``) wins over its first word."""
    words = text.split(None, 2)
    candidates = [words[0]]
    if len(words) > 1:
        candidates.insert(0, f"{words[0]} {words[1]}")
    for phrase in candidates:
        spec = registry.keywords.get(phrase)
        if spec is not None:
            end = text.index(words[1]) + len(words[1]) if " " in phrase else len(words[0])
            return Match(spec, spec.name, _strip_leading(message, lead + end))
    return None


def suggest(registry: Registry, word: str) -> str | None:
    names = [n for n in registry.commands if " " not in n]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return close[0] if close else None
