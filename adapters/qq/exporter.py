"""Shequn messages -> OneBot v11 message segments.

Text always becomes a ``text`` segment, sent in array form, so CQ codes or other markup a
member typed are shown as typed and never interpreted. Images are sent by URL or path.
Buttons were already turned into numbered text choices by the core (QQ groups have none
for bots); a reply to an id that is not a number is left out (v11 message ids are numbers).
"""

from __future__ import annotations

from nonebot.adapters.onebot.v11 import Message as V11Message
from nonebot.adapters.onebot.v11 import MessageSegment

from adapters.qq.builder import DIALECT
from shequn import Image, Message
from shequn.internal import onebot


def _image(image: Image) -> onebot.Wire:
    sent = MessageSegment.image(image.url)
    return sent.type, sent.data


def export(message: Message) -> V11Message:
    return V11Message(
        MessageSegment(kind, data) for kind, data in onebot.write(message, DIALECT, _image)
    )
