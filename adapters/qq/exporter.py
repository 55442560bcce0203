"""Shequn messages -> OneBot v11 message segments.

Text always becomes a ``text`` segment, sent in array form, so CQ codes or other markup a
member typed are shown as typed and never interpreted. Buttons were already turned into
numbered text choices by the core (QQ groups have none for bots).
"""

from __future__ import annotations

from nonebot.adapters.onebot.v11 import Message as V11Message
from nonebot.adapters.onebot.v11 import MessageSegment

from shequn import Buttons, Image, Mention, Message, Reply, Text


def export(message: Message) -> V11Message:
    out = V11Message()
    for segment in message:
        if isinstance(segment, Text):
            if segment.text:
                out.append(MessageSegment.text(segment.text))
        elif isinstance(segment, Mention):
            out.append(MessageSegment.at(segment.user_id))
        elif isinstance(segment, Image):
            out.append(MessageSegment.image(segment.url))
        elif isinstance(segment, Reply):
            if segment.message_id.isdigit():  # v11 message ids are numbers
                out.append(MessageSegment.reply(int(segment.message_id)))
        elif isinstance(segment, Buttons):
            continue
    return out
