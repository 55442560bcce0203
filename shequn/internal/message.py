"""Platform-neutral messages: a tuple of segments.

Plugins build messages from these segments; each adapter has one builder (platform payload
-> segments) and one exporter (segments -> platform payload). What a platform lacks is handled
by an explicit fallback in :class:`shequn.internal.exporter.Exporter`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias, overload


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text. Never interpreted as markup by any exporter."""

    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of one user. ``name`` is shown where a platform cannot mention by id."""

    user_id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    """An image by URL or local path."""

    url: str
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """Quote of an earlier message, by its platform id."""

    message_id: str


@dataclass(frozen=True, slots=True)
class Button:
    """One button. ``data`` comes back in :class:`ButtonPressed` when it is pressed."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Buttons:
    """Rows of buttons attached to a message."""

    rows: tuple[tuple[Button, ...], ...]
    only: str = ""
    """The user id of the one member these buttons ask (a newcomer's own prompt); empty:
    anyone. Where buttons become numbered replies, only that member's numbers count."""

    @classmethod
    def of(cls, *rows: Sequence[Button], only: str = "") -> Buttons:
        return cls(tuple(tuple(row) for row in rows), only)

    def flat(self) -> list[Button]:
        return [button for row in self.rows for button in row]


Segment: TypeAlias = Text | Mention | Image | Reply | Buttons


class Message(Sequence[Segment]):
    """An immutable sequence of segments with conveniences for building and reading."""

    __slots__ = ("_plain", "_segments")

    def __init__(self, segments: Iterable[Segment | str] = ()) -> None:
        self._segments: tuple[Segment, ...] = tuple(
            Text(s) if isinstance(s, str) else s for s in segments
        )
        self._plain: str | None = None

    @classmethod
    def coerce(cls, value: Message | Segment | str | Iterable[Segment | str]) -> Message:
        """Accept what a handler naturally passes to ``reply``: a string, segments, a message."""
        if isinstance(value, Message):
            return value
        if isinstance(value, str | Text | Mention | Image | Reply | Buttons):
            return cls((value,))
        return cls(value)

    @overload
    def __getitem__(self, index: int) -> Segment: ...
    @overload
    def __getitem__(self, index: slice) -> Message: ...
    def __getitem__(self, index: int | slice) -> Segment | Message:
        if isinstance(index, slice):
            return Message(self._segments[index])
        return self._segments[index]

    def __len__(self) -> int:
        return len(self._segments)

    def __iter__(self) -> Iterator[Segment]:
        return iter(self._segments)

    def __add__(self, other: Message | Segment | str) -> Message:
        return Message((*self._segments, *Message.coerce(other)._segments))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other._segments == self._segments

    def __hash__(self) -> int:
        return hash(self._segments)

    def __repr__(self) -> str:
        return f"Message({list(self._segments)!r})"

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self._segments

    @property
    def plain_text(self) -> str:
        """The text segments joined; mentions and images are left out. Kept once read: the
        message never changes, and the dispatcher, commands and analytics all read it."""
        if self._plain is None:
            self._plain = "".join(s.text for s in self._segments if isinstance(s, Text))
        return self._plain

    def only(self, kind: type[Segment]) -> list[Segment]:
        return [s for s in self._segments if isinstance(s, kind)]

    @property
    def buttons(self) -> Buttons | None:
        for segment in self._segments:
            if isinstance(segment, Buttons):
                return segment
        return None


def well_formed(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD. Platforms take UTF-8 (or measure in
    UTF-16 units), so a lone surrogate in a member's text would lose the whole message."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def without_leading_mention(message: Message, user_id: str) -> tuple[Message, bool]:
    """``@bot 签到`` reads as ``签到``: a mention of ``user_id`` first (blank text before it
    aside) is dropped with the space after it, so commands and keywords match as if the bot
    had not been named. True when one was (the bot was addressed). A bare ``@bot`` keeps its
    mention: it is all the message says."""
    parts = list(message)
    start = 0
    while start < len(parts) and _blank(parts[start]):
        start += 1
    first = parts[start] if start < len(parts) else None
    if not isinstance(first, Mention) or first.user_id != user_id:
        return message, False
    rest = parts[start + 1 :]
    if rest and isinstance(rest[0], Text):
        stripped = rest[0].text.lstrip()
        rest = [Text(stripped), *rest[1:]] if stripped else rest[1:]
    if not rest:
        return message, True
    return Message(rest), True


def _blank(segment: Segment) -> bool:
    return isinstance(segment, Text) and not segment.text.strip()
