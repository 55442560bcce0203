"""Finding the command in a message: prefixes, ``/cmd@botname``, subcommands, keywords.

Members often put something before the command: a QQ face (``[face] 签到``), an emoji
(``😀 /signin``, WeChat's ``[微笑]`` in the text), an image, a mention. What comes before the
first real character never hides the command; it is left out of the command's arguments.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from shequn.internal.message import Message, Segment, Text
from shequn.internal.plugin import CommandSpec
from shequn.internal.registry import Registry

MAX_COMMAND_WORD = 64

TEXT_FACE = re.compile(r"\[[^\[\]\s]{1,8}\]")
"""A face written as text: WeChat's ``[微笑]``, the placeholder of a QQ face segment."""
EMOJI_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")
"""Zero-width joiner, variation selectors, keycap: parts of one emoji."""
SKIN_TONES = range(0x1F3FB, 0x1F400)
"""Emoji skin-tone modifiers (Unicode category Sk, unlike the emoji they follow)."""


@dataclass(frozen=True, slots=True)
class Match:
    command: CommandSpec
    name: str
    """The name as typed and resolved (``signin rank``)."""
    args: Message
    """What follows the command name."""
    bare: bool = False
    """Matched as a keyword, without a prefix: may be plain chat, so a usage error is silent."""


@dataclass(frozen=True, slots=True)
class Unknown:
    word: str
    prefix: str


@dataclass(frozen=True, slots=True)
class Group:
    """A prefixed word that only names a group of subcommands (``/event``, ``/event bogus``)."""

    word: str
    prefix: str
    subcommands: tuple[CommandSpec, ...]
    sub: str
    """The word typed after the group's (empty when none): not one of its subcommands."""


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


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or char in EMOJI_JOINERS or ord(char) in SKIN_TONES


def _decoration_end(text: str, prefixes: Sequence[str]) -> int:
    """Where the leading spaces, emoji and text faces of ``text`` end (a prefix is never
    decoration, whatever character it is)."""
    index = 0
    while index < len(text):
        if any(text.startswith(p, index) for p in prefixes):
            break
        char = text[index]
        if char.isspace() or _is_emoji(char):
            index += 1
            continue
        face = TEXT_FACE.match(text, index)
        if face is None:
            break
        index = face.end()
    return index


def _after_decoration(message: Message, prefixes: Sequence[str]) -> Message | None:
    """The message from its first real character on: leading images, mentions, faces and
    emoji dropped. None when nothing else is left."""
    for index, segment in enumerate(message):
        if not isinstance(segment, Text):
            continue
        start = _decoration_end(segment.text, prefixes)
        if start == 0 and index == 0:
            return message  # the common case, "/signin": nothing to skip
        if start < len(segment.text):
            return Message((Text(segment.text[start:]), *message[index + 1 :]))
    return None


def find(
    registry: Registry,
    message: Message,
    prefixes: Sequence[str],
    bot_names: Sequence[str] = (),
) -> Match | Unknown | Group | None:
    """The command a message invokes, an unknown prefixed word, a command group typed without
    one of its subcommands, or None for plain chat."""
    rest = _after_decoration(message, prefixes)
    head = rest[0] if rest else None
    if rest is None or not isinstance(head, Text):
        return None
    message, text = rest, head.text
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
        subs = subcommands(registry, first)
        if subs:
            return Group(first, prefix, subs, words[1][:MAX_COMMAND_WORD] if len(words) > 1 else "")
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
            return Match(spec, spec.name, _strip_leading(message, lead + end), bare=True)
    return None


def subcommands(registry: Registry, word: str) -> tuple[CommandSpec, ...]:
    """The commands one of whose names is ``word`` followed by a second word, in name order."""
    head = word.lower() + " "
    found = {id(s): s for n, s in registry.commands.items() if n.startswith(head)}
    return tuple(sorted(found.values(), key=lambda s: s.name))


def sub_words(registry: Registry, word: str) -> list[str]:
    """The second words that follow ``word`` (``event`` -> ``create``, ``join``...)."""
    head = word.lower() + " "
    return sorted({n[len(head) :] for n in registry.commands if n.startswith(head)})


def suggest(registry: Registry, word: str) -> str | None:
    names = [n for n in registry.commands if " " not in n]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return close[0] if close else None
