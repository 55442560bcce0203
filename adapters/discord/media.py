"""Images in Discord messages: attachments and stickers in, local image files out.

Incoming, an attachment is an image when its ``content_type`` is ``image/*`` or, when Discord
sent none, when its file name has an image extension; it becomes an :class:`Image` with its
CDN URL. Other attachments (documents, audio, video) are left out: plugins only know images.
A sticker drawn as PNG, APNG or GIF becomes an :class:`Image`; a Lottie sticker (vector
animation no other platform can show) becomes ``[name]`` text, and only when the message has
no text of its own, so it never changes the arguments of a command.

discord.py builds a message's attachments and stickers with the message itself, so one
malformed attachment would lose the whole message: :func:`clean_payload` drops such parts
(logged) before discord.py parses the event.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import discord

from shequn import Image, Segment, Text

log = logging.getLogger("shequn.discord")

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif"})
IMAGE_STICKERS = frozenset(
    {discord.StickerFormatType.png, discord.StickerFormatType.apng, discord.StickerFormatType.gif}
)
MAX_UPLOAD = 10 * 1024 * 1024
"""Discord's upload limit for a server without boosts (bytes)."""
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def _is_web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def is_image(content_type: str | None, filename: str) -> bool:
    if content_type:
        return content_type.split(";", 1)[0].strip().lower().startswith("image/")
    return PurePosixPath(filename.lower()).suffix in IMAGE_EXTENSIONS


def images_of(message: discord.Message, has_text: bool) -> list[Segment]:
    """The images (and Lottie sticker text) a message carries, in Discord's order."""
    out: list[Segment] = []
    for attachment in message.attachments:
        if is_image(attachment.content_type, attachment.filename) and _is_web(attachment.url):
            out.append(Image(attachment.url, alt=attachment.description or attachment.filename))
        else:
            log.debug(
                "attachment %s (%s) is not an image: left out",
                attachment.id,
                attachment.content_type,
            )
    for sticker in message.stickers:
        if sticker.format in IMAGE_STICKERS:
            out.append(Image(sticker.url, alt=sticker.name))
        elif not has_text and sticker.name:
            out.append(Text(f"[{sticker.name}]"))
    return out


# -- incoming payloads -------------------------------------------------------------------


def clean_payload(data: Any, state: Any) -> None:
    """Drop the attachments and stickers of a message event discord.py cannot build, in
    place, in the message and in the messages it quotes or forwards."""
    if not isinstance(data, MutableMapping):
        return
    _clean_message(data, state)
    referenced = data.get("referenced_message")
    if isinstance(referenced, MutableMapping):
        _clean_message(referenced, state)
    snapshots = data.get("message_snapshots")
    for snapshot in snapshots if isinstance(snapshots, list) else ():
        inner = snapshot.get("message") if isinstance(snapshot, MutableMapping) else None
        if isinstance(inner, MutableMapping):
            _clean_message(inner, state)


def _clean_message(data: MutableMapping[str, Any], state: Any) -> None:
    message_id = str(data.get("id"))[:30]
    for key, kind in (("attachments", discord.Attachment), ("sticker_items", discord.StickerItem)):
        if key not in data:
            continue  # an edit that leaves them as they are
        items = data[key]
        if not isinstance(items, list):
            log.warning("message %s: %s are not a list, left out: %.200r", message_id, key, items)
            items = []
        data[key] = [item for item in items if _builds(kind, item, state, message_id)]


def _builds(kind: Any, item: Any, state: Any, message_id: str) -> bool:
    """Whether discord.py builds ``kind`` from ``item`` (its own parser is the check)."""
    try:
        kind(data=item, state=state)
    except Exception as error:
        log.warning(
            "message %s: skipped a malformed %s (%r): %.300r",
            message_id,
            kind.__name__,
            error,
            item,
        )
        return False
    return True


# -- outgoing local images ---------------------------------------------------------------


def local_image(url: str) -> tuple[str, bytes] | None:
    """A local image file (``file://`` URL or absolute path) as (file name, bytes) to upload;
    None when it is missing, too large for Discord or not an image (PNG, JPEG, GIF, WebP,
    BMP by content), so only images ever leave the machine."""
    if url.startswith("file://"):
        path = Path(unquote(urlsplit(url).path))
    elif url.startswith("/"):
        path = Path(url)
    else:
        return None
    try:
        if not path.is_file() or path.stat().st_size > MAX_UPLOAD:
            log.warning("image %s is missing or larger than Discord takes", path.name)
            return None
        data = path.read_bytes()
    except OSError as error:
        log.warning("image %s cannot be read: %s", path.name, error)
        return None
    if not _looks_like_image(data):
        log.warning("%s is not an image file: not uploaded", path.name)
        return None
    return path.name, data


def _looks_like_image(data: bytes) -> bool:
    if data.startswith(SIGNATURES):
        return True
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
