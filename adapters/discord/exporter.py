"""Exporter: a Shequn message -> what discord.py sends.

Text is escaped so it never turns into markdown, and only the users of :class:`Mention`
segments are pinged (``@everyone`` typed by a member stays text). Buttons become a
:class:`discord.ui.View` of button rows whose ``custom_id`` is the button's data; images by
URL become embeds. Messages longer than Discord's 2,000 characters go out in several parts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import discord

from shequn import Button, Buttons, Image, Mention, Message, Reply, Text

log = logging.getLogger("shequn.discord")

MAX_CONTENT = 2000
MAX_ROWS = 5
MAX_PER_ROW = 5
MAX_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_EMBEDS = 10


@dataclass
class Part:
    """One Discord message."""

    content: str
    mentions: list[int] = field(default_factory=list)
    reply_to: int | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    images: list[str] = field(default_factory=list)

    def allowed_mentions(self) -> discord.AllowedMentions:
        return discord.AllowedMentions(
            everyone=False,
            roles=False,
            users=[discord.Object(id=i) for i in self.mentions],
            replied_user=False,
        )

    def view(self) -> discord.ui.View | None:
        return button_view(self.buttons) if self.buttons else None

    def embeds(self) -> list[discord.Embed]:
        return [discord.Embed().set_image(url=url) for url in self.images[:MAX_EMBEDS]]

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments shared by ``send``, interaction responses and follow-ups."""
        out: dict[str, Any] = {"allowed_mentions": self.allowed_mentions()}
        if self.content:
            out["content"] = self.content
        view = self.view()
        if view is not None:
            out["view"] = view
        embeds = self.embeds()
        if embeds:
            out["embeds"] = embeds
        return out


class ButtonView(discord.ui.View):
    """Buttons that answer through the adapter's ``on_interaction``, not through the view.

    Presses come back as :class:`shequn.ButtonPressed` even after a restart, so the view is
    never stored in discord.py's view store.
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_dispatchable(self) -> bool:
        return False


def button_view(rows: tuple[tuple[Button, ...], ...]) -> ButtonView:
    view = ButtonView()
    seen: set[str] = set()
    for index, row in enumerate(rows[:MAX_ROWS]):
        for button in row[:MAX_PER_ROW]:
            if not button.data or len(button.data) > MAX_CUSTOM_ID or button.data in seen:
                log.warning("button %r left out: its data must be unique and 1-100 long", button)
                continue
            seen.add(button.data)
            view.add_item(
                discord.ui.Button(
                    label=button.label[:MAX_LABEL] or "·",
                    custom_id=button.data,
                    style=discord.ButtonStyle.secondary,
                    row=index,
                )
            )
    if len(rows) > MAX_ROWS or any(len(r) > MAX_PER_ROW for r in rows):
        log.warning("Discord shows at most %d rows of %d buttons", MAX_ROWS, MAX_PER_ROW)
    return view


def export(message: Message) -> list[Part]:
    """The parts to send, in order; the reply and buttons go with the first and last part."""
    text: list[str] = []
    mentions: list[int] = []
    images: list[str] = []
    reply_to: int | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    for segment in message:
        if isinstance(segment, Text):
            text.append(discord.utils.escape_markdown(discord.utils.escape_mentions(segment.text)))
        elif isinstance(segment, Mention):
            if segment.user_id.isdigit():
                text.append(f"<@{segment.user_id}>")
                mentions.append(int(segment.user_id))
            else:
                text.append("@" + discord.utils.escape_markdown(segment.name or segment.user_id))
        elif isinstance(segment, Image):
            if segment.url.startswith(("http://", "https://")):
                images.append(segment.url)
            else:
                text.append(segment.alt or segment.url)
        elif isinstance(segment, Reply):
            if segment.message_id.isdigit():
                reply_to = int(segment.message_id)
        elif isinstance(segment, Buttons):
            buttons = buttons + segment.rows
    chunks = split("".join(text))
    parts = [Part(content=chunk, mentions=mentions) for chunk in chunks]
    parts[0].reply_to = reply_to
    parts[-1].buttons = buttons
    parts[-1].images = images
    if not parts[-1].content and not buttons and not images and len(parts) == 1:
        parts[-1].content = "\u200b"  # Discord refuses an empty message
    return parts


def split(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks where possible."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        pieces.append(text)
    return pieces
