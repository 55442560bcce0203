"""Who is in the group: joins, leaves and first messages, for "days in the group" and for
excluding entrants who left before the draw.

Only what the bot sees is known: a member who joined before the bot (or before this plugin)
counts from their first message. A message costs a database write only the first time this
process sees its author in the group.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from shequn import App, Context, MemberJoined, MemberLeft, MessageEvent

from .declaration import plugin
from .store import member_joined, member_left, member_seen

SEEN_LIMIT = 200_000
"""Remembered (group, account) pairs; the set is emptied past this size."""

_seen_by_app: WeakKeyDictionary[App, set[tuple[str, str]]] = WeakKeyDictionary()


def _seen(app: App) -> set[tuple[str, str]]:
    """Pairs already recorded by this app (one set per app: tests run several)."""
    seen = _seen_by_app.get(app)
    if seen is None:
        seen = _seen_by_app[app] = set()
    return seen


def _where(ctx: Context) -> tuple[str, str] | None:
    if ctx.scene is None or ctx.scene.is_private:
        return None
    return ctx.group_key, ctx.user.key


@plugin.on(MemberJoined)
async def on_join(ctx: Context) -> None:
    where = _where(ctx)
    if where is None:
        return
    now = ctx.app.clock.now().timestamp()
    await ctx.app.db.write(lambda conn: member_joined(conn, *where, now), "lottery")
    _seen(ctx.app).add(where)


@plugin.on(MemberLeft)
async def on_leave(ctx: Context) -> None:
    where = _where(ctx)
    if where is None:
        return
    now = ctx.app.clock.now().timestamp()
    await ctx.app.db.write(lambda conn: member_left(conn, *where, now), "lottery")
    _seen(ctx.app).discard(where)


@plugin.on(MessageEvent, priority=50)
async def on_message(ctx: Context) -> None:
    where = _where(ctx)
    seen = _seen(ctx.app)
    if where is None or where in seen or ctx.user.is_bot:
        return
    now = ctx.app.clock.now().timestamp()
    await ctx.app.db.write(lambda conn: member_seen(conn, *where, now), "lottery")
    if len(seen) >= SEEN_LIMIT:
        seen.clear()
    seen.add(where)
