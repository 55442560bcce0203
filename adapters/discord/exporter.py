"""Exporter: a Shequn message -> what discord.py sends.

Text is escaped so that Discord shows it as typed, never as markdown (see
:mod:`adapters.discord.markdown`), and only the users of :class:`Mention` segments are
pinged: ``allowed_mentions`` never lets a message ping everyone or a role. Buttons become a
:class:`discord.ui.View` of button rows whose ``custom_id`` is the button's data. Images
by web URL become embeds (ten at most; more go as links), local image files (``file://`` or
an absolute path, as charts are) are uploaded; an image that can be neither is sent as its
``alt`` text. Messages longer than Discord's 2,000 characters go out in several parts, cut
between escaped characters, never inside an escape or a web address.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord import markdown
from adapters.discord.media import local_image
from shequn import Button, Buttons, Image, Mention, Message, Reply, Text

log = logging.getLogger("shequn.discord")

MAX_CONTENT = 2000
MAX_ROWS = 5
MAX_PER_ROW = 5
MAX_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_EMBEDS = 10
MAX_FILES = 10


@dataclass
class Part:
    """One Discord message."""

    content: str
    mentions: list[int] = field(default_factory=list)
    reply_to: int | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    images: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    """Local images to upload: (file name, content)."""

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
        if self.files:
            out["files"] = [
                discord.File(io.BytesIO(data), filename=name) for name, data in self.files
            ]
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


def export(message: Message, *, uploads: bool = True) -> list[Part]:
    """The parts to send, in order; the reply and buttons go with the first and last part.

    ``uploads=False`` (an edit, which cannot add files) sends local images as their text.
    Neighbouring text is escaped as one, so a web address is recognised as Discord will."""
    shown: list[str] = []
    pending: list[str] = []
    mentions: list[int] = []
    images: list[str] = []
    files: list[tuple[str, bytes]] = []
    reply_to: int | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()

    def flush() -> None:
        shown.extend(markdown.atoms("".join(pending)))
        pending.clear()

    for segment in message:
        if isinstance(segment, Text):
            pending.append(segment.text)
        elif isinstance(segment, Mention):
            if is_id(segment.user_id):
                flush()
                shown.append(f"<@{segment.user_id}>")
                mentions.append(int(segment.user_id))
            else:
                pending.append("@" + (segment.name or segment.user_id))
        elif isinstance(segment, Image):
            pending.append(_image(segment, images, files, uploads))
        elif isinstance(segment, Reply):
            if is_id(segment.message_id):
                reply_to = int(segment.message_id)
        elif isinstance(segment, Buttons):
            buttons = buttons + segment.rows
    flush()
    parts = [Part(content=chunk, mentions=mentions) for chunk in split(shown)]
    parts[0].reply_to = reply_to
    parts[-1].buttons = buttons
    parts[-1].images = images
    parts[-1].files = files
    if not parts[-1].content and not buttons and not images and not files and len(parts) == 1:
        parts[-1].content = "\u200b"  # Discord refuses an empty message
    return parts


def _image(image: Image, embeds: list[str], files: list[tuple[str, bytes]], uploads: bool) -> str:
    """Add ``image`` as an embed or an upload; return the text that stands for it instead
    (not yet escaped)."""
    if image.url.startswith(("http://", "https://")):
        if len(embeds) < MAX_EMBEDS:
            embeds.append(image.url)
            return ""
        return f"\n{image.url}\n"  # Discord shows a link to an image as the image
    local = local_image(image.url) if uploads and len(files) < MAX_FILES else None
    if local is not None:
        files.append(local)
        return ""
    if not image.alt:
        log.info("an image without alt text cannot be sent to Discord: left out")
    return image.alt


def split(atoms: list[str], limit: int = MAX_CONTENT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks where possible and never
    inside an atom (an escaped character, a web address, a mention). An atom longer than
    ``limit`` (an address of thousands of characters) is sent escaped, as plain text."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for atom in _fitting(atoms, limit):
        while current and size + len(atom) > limit:
            breaks = [i for i, a in enumerate(current) if a == "\n"]
            cut = breaks[-1] if breaks and breaks[-1] > 0 else len(current)
            pieces.append("".join(current[:cut]))
            current = current[cut:]
            while current and current[0] == "\n":
                current.pop(0)
            size = sum(len(a) for a in current)
        current.append(atom)
        size += len(atom)
    if current or not pieces:
        pieces.append("".join(current))
    return pieces


def _fitting(atoms: list[str], limit: int) -> list[str]:
    return [
        piece
        for atom in atoms
        for piece in (markdown.escaped(atom) if len(atom) > limit else [atom])
    ]


def is_id(value: str) -> bool:
    """A Discord id: ASCII digits only (``"²".isdigit()`` holds, but ``int`` refuses it)."""
    return value.isascii() and value.isdigit() and len(value) <= 20
