"""Exporter: Shequn segments -> what the Bot API sends.

Text is sent without a parse mode (it is never markup); mentions become ``text_mention``
entities, a :class:`Reply` becomes reply parameters, :class:`Buttons` an inline keyboard,
images photos (by URL or file id), image files and stickers (by the builder's prefixed file
ids), each with the Bot API method of its kind. Telegram measures text in UTF-16 code units
(at most 4,096 a message), so long text is cut into several messages on that measure,
preferably at a line break.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

from aiogram import types as tg

from adapters.telegram.builder import DOCUMENT, STICKER
from shequn import Buttons, Image, Mention, Message, Reply, Text, well_formed

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
"""Bytes of ``callback_data`` Telegram keeps; longer data travel as a digest (see below)."""


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str
    entities: tuple[tg.MessageEntity, ...] = ()


@dataclass(frozen=True, slots=True)
class Media:
    """An image to send: ``photo`` (URL or file id), ``document`` or ``sticker`` (file id)."""

    kind: Literal["photo", "document", "sticker"]
    file: str

    @property
    def takes_caption(self) -> bool:
        return self.kind != "sticker"


def media_of(image: Image) -> Media:
    if image.url.startswith(DOCUMENT):
        return Media("document", image.url.removeprefix(DOCUMENT))
    if image.url.startswith(STICKER):
        return Media("sticker", image.url.removeprefix(STICKER))
    return Media("photo", image.url)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Shequn message as Telegram needs it: text chunks, images, keyboard, reply."""

    chunks: tuple[Chunk, ...]
    photos: tuple[Media, ...] = ()
    keyboard: tg.InlineKeyboardMarkup | None = None
    reply_to: int | None = None


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class LongData:
    """Button data longer than 64 bytes, kept by digest until pressed (bounded memory)."""

    limit: int = 10_000
    _by_digest: OrderedDict[str, str] = field(default_factory=OrderedDict)

    def shorten(self, data: str) -> str:
        if len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not data.startswith("#"):
            return data
        digest = "#" + hashlib.sha256(data.encode("utf-8")).hexdigest()[:40]
        self._by_digest[digest] = data
        self._by_digest.move_to_end(digest)
        if len(self._by_digest) > self.limit:
            self._by_digest.popitem(last=False)
        return digest

    def restore(self, data: str) -> str | None:
        """The original data of a press; None when a digest is no longer known."""
        if not data.startswith("#"):
            return data
        return self._by_digest.get(data)


def keyboard(buttons: Buttons, long_data: LongData) -> tg.InlineKeyboardMarkup:
    return tg.InlineKeyboardMarkup(
        inline_keyboard=[
            [
                tg.InlineKeyboardButton(
                    text=b.label or "·", callback_data=long_data.shorten(b.data)
                )
                for b in row
            ]
            for row in buttons.rows
            if row
        ]
    )


def export(message: Message, long_data: LongData, empty_text: str) -> Outgoing:
    """``message`` as Telegram payloads; ``empty_text`` stands in when only buttons remain."""
    text = ""
    entities: list[tg.MessageEntity] = []
    photos: list[Media] = []
    reply_to: int | None = None
    markup: tg.InlineKeyboardMarkup | None = None
    for segment in message:
        if isinstance(segment, Text):
            text += well_formed(segment.text)
        elif isinstance(segment, Mention):
            shown = well_formed("@" + (segment.name or segment.user_id))
            if segment.user_id.isdigit():
                entities.append(
                    tg.MessageEntity(
                        type="text_mention",
                        offset=_units(text),
                        length=_units(shown),
                        user=tg.User(
                            id=int(segment.user_id),
                            is_bot=False,
                            first_name=segment.name or segment.user_id,
                        ),
                    )
                )
            text += shown
        elif isinstance(segment, Image):
            photos.append(media_of(segment))
        elif isinstance(segment, Reply):
            if segment.message_id.isdigit():
                reply_to = int(segment.message_id)
        elif isinstance(segment, Buttons):
            markup = keyboard(segment, long_data)
    if not text.strip() and not photos:
        text, entities = empty_text, []
    return Outgoing(
        chunks=tuple(split(text, entities)) if text else (),
        photos=tuple(photos),
        keyboard=markup,
        reply_to=reply_to,
    )


def split(text: str, entities: list[tg.MessageEntity], limit: int = MESSAGE_LIMIT) -> list[Chunk]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-16 units, entities clipped to them."""
    units = text.encode("utf-16-le")
    size = len(units) // 2
    chunks: list[Chunk] = []
    start = 0
    while start < size:
        end = min(start + limit, size)
        if end < size:
            window = units[2 * start : 2 * end].decode("utf-16-le", errors="ignore")
            cut = window.rfind("\n")
            if cut > 0:
                end = start + _units(window[: cut + 1])
            elif 0xDC00 <= int.from_bytes(units[2 * end : 2 * end + 2], "little") <= 0xDFFF:
                end -= 1  # never split a surrogate pair
        piece = units[2 * start : 2 * end].decode("utf-16-le")
        clipped = []
        for entity in entities:
            first = max(entity.offset, start)
            last = min(entity.offset + entity.length, end)
            if last > first:
                clipped.append(
                    entity.model_copy(update={"offset": first - start, "length": last - first})
                )
        chunks.append(Chunk(piece, tuple(clipped)))
        start = end
    return chunks
