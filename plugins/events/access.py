"""Which event a command may touch here, who may read an event's private things (answers,
the QR link), and how they reach them: only in a private chat, never in the group."""

from __future__ import annotations

from shequn import Context, Level

from .models import EventRow
from .store import get


async def event_here(ctx: Context, event_id: int) -> EventRow | None:
    """The event when it belongs to this group's community (any event in private); else a
    reply saying there is no such event here."""
    event = await ctx.app.db.read(lambda conn: get(conn, event_id))
    if event is None or (ctx.scene is not None and not ctx.scene.is_private
                         and event.community != ctx.community):  # fmt: skip
        await ctx.reply(ctx.t("event.unknown", id=event_id))
        return None
    return event


async def is_organiser(ctx: Context, event: EventRow) -> bool:
    """The event's creator, a superuser, or an admin of a group of the event's community
    (asking in that group: a private chat carries no group role)."""
    if ctx.person == event.creator:
        return True
    level = await ctx.level()
    if level >= Level.SUPERUSER:
        return True
    in_group = ctx.scene is not None and not ctx.scene.is_private
    return in_group and ctx.community == event.community and level >= Level.ADMIN


async def organised_event(ctx: Context, event_id: int) -> EventRow | None:
    """The event when it is here and the caller organises it; else None after saying why."""
    event = await event_here(ctx, event_id)
    if event is None:
        return None
    if not await is_organiser(ctx, event):
        await ctx.reply(ctx.t("organiser.only", id=event_id))
        return None
    return event


async def tell_privately(ctx: Context, text: str) -> None:
    """Answer in private: directly in a private chat, else by a private message with a
    short note in the group saying where the answer went (or that it could not go)."""
    if ctx.scene is not None and ctx.scene.is_private:
        await ctx.reply(text)
        return
    name = ctx.user.display_name
    if await ctx.send_private(ctx.user.key, name, text):
        await ctx.reply(ctx.t("private.sent", name=name))
    else:
        await ctx.reply(ctx.t("private.failed", name=name))
