"""Notes kept with sign-ins (学习打卡): how long a note counts as, and searching them.

A note's length counts letters and digits only (any script), so a row of emoji or
punctuation never meets a group's minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from .models import SigninRecord

_record = SigninRecord.__table__  # type: ignore[attr-defined]

MAX_NOTE = 1000
"""Longest note kept, in characters; longer notes are cut."""


def clean_note(text: str) -> str | None:
    """The note as stored: trimmed, cut to :data:`MAX_NOTE`, None when empty."""
    note = " ".join(text.split())[:MAX_NOTE]
    return note or None


def note_length(note: str | None) -> int:
    return sum(ch.isalnum() for ch in note) if note else 0


@dataclass(frozen=True, slots=True)
class FoundNote:
    person: str
    day: str
    note: str


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_notes(conn: Connection, community: str, words: list[str], limit: int) -> list[FoundNote]:
    """Newest notes of ``community`` containing every word (case-insensitive)."""
    query = select(_record.c.person, _record.c.day, _record.c.note).where(
        _record.c.community == community, _record.c.note.is_not(None)
    )
    for word in words:
        pattern = f"%{_escape(word.lower())}%"
        query = query.where(func.lower(_record.c.note).like(pattern, escape="\\"))
    rows = conn.execute(
        query.order_by(_record.c.day.desc(), _record.c.created_at.desc()).limit(limit)
    )
    return [FoundNote(row.person, row.day, row.note) for row in rows]


def notes_on(conn: Connection, community: str, day: date) -> int:
    """How many sign-ins of ``day`` in ``community`` came with a note (for digests)."""
    query = select(func.count()).where(
        _record.c.community == community,
        _record.c.day == day.isoformat(),
        _record.c.note.is_not(None),
    )
    return int(conn.execute(query).scalar_one())
