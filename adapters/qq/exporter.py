"""Shequn messages -> OneBot v11 message segments.

Text always becomes a ``text`` segment, sent in array form, so CQ codes or other markup a
member typed are shown as typed and never interpreted. Images are sent by URL or path.
Buttons were already turned into numbered text choices by the core (QQ groups have none
for bots); a reply to an id that is not a number is left out (v11 message ids are numbers).
A long list (leaderboard, ``/help``, roster) is folded into a merged forward (合并转发) of
``node`` segments, which the adapter sends where the implementation has it.
"""

from __future__ import annotations

from typing import Any

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


def is_long(message: Message, lines: int, chars: int) -> bool:
    """A list too long for the chat (more than ``lines`` lines or ``chars`` characters; 0
    turns a limit off): QQ shows it folded, as a merged forward (合并转发)."""
    text = message.plain_text
    return bool(lines and text.count("\n") + 1 > lines) or bool(chars and len(text) > chars)


Wire = dict[str, Any]


def _append_text(content: list[Wire], text: str) -> None:
    if content and content[-1]["type"] == "text":
        content[-1]["data"]["text"] += text
    else:
        content.append({"type": "text", "data": {"text": text}})


def _node(content: list[Wire], name: str, uin: str) -> Wire:
    if content and content[-1]["type"] == "text":
        content[-1]["data"]["text"] = content[-1]["data"]["text"].removesuffix("\n")
    return {"type": "node", "data": {"name": name, "uin": uin, "content": content}}


def forward_nodes(segments: V11Message, name: str, uin: str, per_node: int) -> list[Wire]:
    """``node`` segments for ``send_group_forward_msg`` (and its private twin), each of at
    most ``per_node`` lines, shown as sent by the bot. ``name``, ``uin`` and ``content`` are
    go-cqhttp's field names, which NapCat and Lagrange accept too. A ``reply`` is left out:
    a folded list quotes nothing."""
    nodes: list[list[Wire]] = [[]]
    count = 0
    for segment in segments:
        if segment.type == "reply":
            continue
        if segment.type != "text":
            nodes[-1].append({"type": segment.type, "data": dict(segment.data)})
            continue
        for piece in str(segment.data.get("text", "")).splitlines(keepends=True):
            if count >= per_node:
                nodes.append([])
                count = 0
            _append_text(nodes[-1], piece)
            count += piece.endswith("\n")
    return [_node(content, name, uin) for content in nodes if content]
