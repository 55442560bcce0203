"""``/quiz import``: admins paste a bank (CSV, JSON or YAML) after the command line.

The first line is the command (optionally naming the format); everything below it is the
file's content, newlines kept.
"""

from __future__ import annotations

from typing import cast

from shequn import Context, Level

from .bank import Format, guess_format
from .declaration import plugin
from .importer import import_text
from .limits import BankRefused
from .play import language_of

MAX_CHARS = 100_000
SHOWN_ERRORS = 10


@plugin.command("quiz import", aliases=["答题 导入"], keywords=["导入题库"], permission=Level.ADMIN)
async def quiz_import(ctx: Context, *, content: str = "") -> None:
    first, _, body = ctx.text.strip().partition("\n")
    words = first.split()
    named = words[-1].lower() if words else ""
    if not body.strip():
        await ctx.reply(ctx.t("import.usage", prefix=ctx.app.settings.commands.prefixes[0]))
        return
    if len(body) > MAX_CHARS:
        await ctx.reply(ctx.t("import.too_long", max=MAX_CHARS))
        return
    fmt = cast(Format, named) if named in ("csv", "json", "yaml") else guess_format("", body)
    lang = language_of(ctx) or ctx.locale
    try:
        report = await import_text(ctx.app, body, fmt, lang=lang, bank=f"chat:{ctx.group_key}")
    except BankRefused as refused:
        await ctx.reply(ctx.t(refused.key, **refused.params))
        return
    lines = [
        ctx.t("import.done", added=report.added, known=report.known, errors=len(report.errors))
    ]
    for line, problem in report.errors[:SHOWN_ERRORS]:
        lines.append(ctx.t("import.error", line=line, problem=problem))
    if len(report.errors) > SHOWN_ERRORS:
        lines.append(ctx.t("import.more_errors", count=len(report.errors) - SHOWN_ERRORS))
    await ctx.reply("\n".join(lines))
