"""Shequn messages -> OneBot v12 message segments.

Text is always a ``text`` segment (never markup). Images are sent by the file id the bridge
gave when they were uploaded (see the adapter); buttons were already turned into numbered
text choices by the core.
"""

from __future__ import annotations

from collections.abc import Mapping

from nonebot.adapters.onebot.v12 import Message as V12Message
from nonebot.adapters.onebot.v12 import MessageSegment

from shequn import Buttons, Image, Mention, Message, Reply, Text


def export(message: Message, file_ids: Mapping[str, str]) -> V12Message:
    """``file_ids`` maps an image's URL or path to the bridge's file id."""
    out = V12Message()
    for segment in message:
        if isinstance(segment, Text):
            if segment.text:
                out.append(MessageSegment.text(segment.text))
        elif isinstance(segment, Mention):
            out.append(MessageSegment.mention(segment.user_id))
        elif isinstance(segment, Image):
            file_id = file_ids.get(segment.url)
            if file_id is not None:
                out.append(MessageSegment.image(file_id))
            elif segment.alt:
                out.append(MessageSegment.text(segment.alt))
        elif isinstance(segment, Reply):
            out.append(MessageSegment.reply(segment.message_id))
        elif isinstance(segment, Buttons):
            continue
    return out
