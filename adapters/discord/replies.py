"""Answering a slash command: an interaction response, deferred when the handler is slow.

Discord wants an answer to an interaction within three seconds. While a command's handlers
run, replies to its scene go through the :class:`InteractionReply` bound in :data:`CURRENT`:
the first becomes the interaction response, later ones follow-ups. A handler still busy after
``defer_after`` seconds gets a deferred ("thinking") response, replaced by its first reply.
A command that answered nothing gets a short private "done", so Discord never shows
"the application did not respond".
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable
from typing import Any

import discord

from adapters.discord.exporter import Part
from shequn import Scene

log = logging.getLogger("shequn.discord")


class InteractionReply:
    """The answer channel of one application-command interaction."""

    def __init__(self, interaction: discord.Interaction[Any], scene: Scene) -> None:
        self.interaction = interaction
        self.scene = scene
        self.responded = False
        self.deferred = False
        self._lock = asyncio.Lock()

    async def send(self, part: Part) -> str:
        async with self._lock:
            kwargs = part.kwargs()
            if not self.responded and not self.deferred:
                self.responded = True
                callback = await self.interaction.response.send_message(**kwargs)
                return str(callback.message_id or self.interaction.id)
            self.responded = True
            sent = await self.interaction.followup.send(wait=True, **kwargs)
            return str(sent.id)

    async def defer(self) -> None:
        async with self._lock:
            if not self.responded and not self.deferred:
                self.deferred = True
                await self.interaction.response.defer(thinking=True)

    async def finish(self, done_text: str) -> None:
        """Close an interaction that got no reply."""
        async with self._lock:
            if self.responded:
                return
            self.responded = True
            if self.deferred:
                await self.interaction.delete_original_response()
            else:
                await self.interaction.response.send_message(done_text, ephemeral=True)


CURRENT: contextvars.ContextVar[InteractionReply | None] = contextvars.ContextVar(
    "shequn_discord_interaction", default=None
)


async def answer(
    reply: InteractionReply, work: Awaitable[None], defer_after: float, done_text: str
) -> None:
    """Run ``work`` (the dispatch) with ``reply`` bound; defer if it takes long."""
    token = CURRENT.set(reply)
    try:
        task = asyncio.ensure_future(work)  # copies the context: replies see ``reply``
    finally:
        CURRENT.reset(token)
    done, _ = await asyncio.wait({task}, timeout=defer_after)
    if not done:
        try:
            await reply.defer()
        except discord.HTTPException as error:
            log.warning("could not defer interaction %s: %s", reply.interaction.id, error)
    await task
    try:
        await reply.finish(done_text)
    except discord.HTTPException as error:
        log.warning("could not close interaction %s: %s", reply.interaction.id, error)
