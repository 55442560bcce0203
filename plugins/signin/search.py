"""``/signin notes [WORDS]``: today's notes, or every note containing the words."""

from __future__ import annotations

from shequn import Context

from .declaration import plugin
from .notes import notes_on, search_notes

SHOWN = 10
SHOWN_CHARS = 120


@plugin.command(
    "signin notes",
    aliases=["签到 笔记", "打卡 笔记", "打卡笔记", "checkin notes"],
    keywords=["打卡笔记"],
    group_only=True,
)
async def signin_notes(ctx: Context, *, words: str = "") -> None:
    community, today = ctx.community, ctx.today()
    terms = words.split()[:5]
    if terms:
        found = await ctx.app.db.read(lambda conn: search_notes(conn, community, terms, SHOWN))
        header = ctx.t("notes.found", words=" ".join(terms)[:60], count=len(found))
    else:
        count = await ctx.app.db.read(lambda conn: notes_on(conn, community, today))
        found = [
            n
            for n in await ctx.app.db.read(lambda conn: search_notes(conn, community, [], SHOWN))
            if n.day == today.isoformat()
        ]
        header = ctx.t("notes.today", count=count)
    if not found:
        await ctx.reply(header + "\n" + ctx.t("notes.none"))
        return
    names = await ctx.app.identity.display_names([n.person for n in found])
    lines = [header]
    for n in found:
        short = n.note if len(n.note) <= SHOWN_CHARS else n.note[: SHOWN_CHARS - 1] + "…"
        lines.append(ctx.t("notes.line", day=n.day, name=names.get(n.person, n.person), note=short))
    await ctx.reply("\n".join(lines))
