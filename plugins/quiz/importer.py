"""Putting parsed questions into the bank in chunks, for the CLI and for admins in chat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from shequn import App

from .bank import Format, Parsed, parse
from .limits import bounded
from .store import add_questions

CHUNK = 200


@dataclass
class Report:
    added: int = 0
    known: int = 0
    """Questions already in the bank (same language and question)."""
    errors: list[tuple[int, str]] = field(default_factory=list)


async def store_parsed(
    app: App,
    parsed: Parsed,
    *,
    lang: str,
    bank: str,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Store the valid questions of ``parsed``; ``progress(n)`` after each chunk of n."""
    report = Report(errors=list(parsed.errors))
    now = app.clock.now().timestamp()
    rows = [question.row(bank, lang, now) for _, question in parsed.questions]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]

        def write(conn: Connection, chunk: list[dict[str, object]] = chunk) -> int:
            return add_questions(conn, chunk)

        added = await app.db.write(write, "quiz")
        report.added += added
        report.known += len(chunk) - added
        if progress is not None:
            progress(len(chunk))
    return report


async def parse_bank(text: str, fmt: Format) -> Parsed:
    """:func:`~.bank.parse` off the event loop and under a time bound (for chat and CLI
    alike); raises :class:`~.limits.BankRefused` for a bank refused unread."""
    return await bounded(lambda: parse(text, fmt))


async def import_text(app: App, text: str, fmt: Format, *, lang: str, bank: str) -> Report:
    return await store_parsed(app, await parse_bank(text, fmt), lang=lang, bank=bank)
