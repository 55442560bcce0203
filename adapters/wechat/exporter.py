"""Shequn messages -> OneBot v12 message segments.

Text is always a ``text`` segment (never markup). Images are sent by the file id the bridge
gave when they were uploaded (see the adapter); an image that could not be uploaded is sent
as its ``alt`` text, or left out. Buttons were already turned into numbered text choices by
the core.
"""

from __future__ import annotations

from collections.abc import Mapping

from nonebot.adapters.onebot.v12 import Message as V12Message
from nonebot.adapters.onebot.v12 import MessageSegment

from shequn import Image, Message
from shequn.internal import onebot


def export(message: Message, file_ids: Mapping[str, str]) -> V12Message:
    """``file_ids`` maps an image's URL or path to the bridge's file id."""

    def image(segment: Image) -> onebot.Wire | None:
        file_id = file_ids.get(segment.url)
        return None if file_id is None else ("image", {"file_id": file_id})

    wire = onebot.write(message, onebot.V12, image)
    return V12Message(MessageSegment(kind, data) for kind, data in wire)
