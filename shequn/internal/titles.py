"""Member titles (封称号), held by the core so every plugin can show them.

Titles belong to a person within a community, like points. Admins grant them through the
titles plugin, rules grant them automatically, and any plugin (welcomes, leaderboards) reads
them here: plugins never import each other. A title may expire; an expired row is simply not
active any more (reads compare with the clock), so expiry needs no job to be correct. Grants
are upserts on (community, person, title), so granting twice extends instead of duplicating.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, Index, delete, or_, select
from sqlmodel import Field, SQLModel

from shequn.internal.clock import Clock
from shequn.internal.i18n import TranslatableError
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import upsert

MAX_TITLE_LENGTH = 24
"""Characters a title may have (QQ shows about six Chinese characters of a special title)."""


class TitleRow(SQLModel, table=True):
    """One title held by one person in one community."""

    __tablename__ = "core_title"
    __table_args__ = (Index("ix_core_title_person", "person", "community"),)
    community: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    title: str = Field(primary_key=True, max_length=64)
    source: str = Field(max_length=100)
    """``admin`` for granted titles, ``rule:<name>`` for titles a rule hands out."""
    granted_by: str = Field(max_length=200)
    granted_at: float
    expires_at: float | None = None
    """UTC epoch seconds; None: held until revoked."""


_title = TitleRow.__table__  # type: ignore[attr-defined]


class TitleError(TranslatableError):
    """A title that cannot be granted (empty or too long); keys ``title.empty``,
    ``title.too_long`` (with ``limit``) are translated by the plugin that granted it."""


@dataclass(frozen=True, slots=True)
class Title:
    person: str
    community: str
    title: str
    source: str
    granted_by: str
    granted_at: float
    expires_at: float | None

    @property
    def expires(self) -> datetime | None:
        return None if self.expires_at is None else datetime.fromtimestamp(self.expires_at, UTC)


def clean_title(text: str) -> str:
    """A title as shown: control and format characters dropped, spaces collapsed, checked."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    title = " ".join(kept.split())
    if not title:
        raise TitleError("title.empty")
    if len(title) > MAX_TITLE_LENGTH:
        raise TitleError("title.too_long", limit=MAX_TITLE_LENGTH)
    return title


def _active(now: float) -> ColumnElement[bool]:
    return or_(_title.c.expires_at.is_(None), _title.c.expires_at > now)


def _row(row: object) -> Title:
    r = row._mapping  # type: ignore[attr-defined]
    return Title(
        person=str(r["person"]),
        community=str(r["community"]),
        title=str(r["title"]),
        source=str(r["source"]),
        granted_by=str(r["granted_by"]),
        granted_at=float(r["granted_at"]),
        expires_at=None if r["expires_at"] is None else float(r["expires_at"]),
    )


def _upsert(conn: Connection, title: Title) -> None:
    upsert(
        conn,
        _title,
        {"community": title.community, "person": title.person, "title": title.title},
        {
            "source": title.source,
            "granted_by": title.granted_by,
            "granted_at": title.granted_at,
            "expires_at": title.expires_at,
        },
    )


class Titles:
    """``app.titles``: grant, revoke and read titles of people in communities."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def grant(
        self,
        person: str,
        community: str,
        title: str,
        *,
        until: datetime | None = None,
        source: str = "admin",
        by: str = "",
    ) -> Title:
        """Give ``person`` the ``title`` (cleaned, see :func:`clean_title`) until ``until``.

        Granting a title the person holds already replaces its expiry and source."""
        grant = Title(
            person=person,
            community=community,
            title=clean_title(title),
            source=source[:100],
            granted_by=by[:200],
            granted_at=self._now(),
            expires_at=None if until is None else until.timestamp(),
        )
        await self._db.write(lambda conn: _upsert(conn, grant), "titles")
        return grant

    async def revoke(self, person: str, community: str, title: str | None = None) -> list[str]:
        """Take ``title`` (None: every title) from ``person``; the titles actually removed."""
        now = self._now()

        def write(conn: Connection) -> list[str]:
            where = [_title.c.person == person, _title.c.community == community]
            if title is not None:
                where.append(_title.c.title == " ".join(title.split()))
            held = list(conn.execute(select(_title.c.title).where(*where, _active(now))).scalars())
            conn.execute(delete(_title).where(*where))
            return [str(t) for t in held]

        return await self._db.write(write, "titles")

    async def of(self, person: str, community: str) -> list[Title]:
        """Active titles of ``person``, the most recently granted first."""
        return (await self.of_many([person], community)).get(person, [])

    async def held(self, person: str, community: str, title: str) -> Title | None:
        """The row of ``person``'s ``title`` as it is now, lapsed or not; None once revoked.
        A job re-reads it before it speaks (its end is announced only if it really ended)."""
        name = " ".join(title.split())

        def read(conn: Connection) -> Title | None:
            row = conn.execute(
                select(_title).where(
                    _title.c.community == community,
                    _title.c.person == person,
                    _title.c.title == name,
                )
            ).first()
            return None if row is None else _row(row)

        return await self._db.read(read)

    async def active_titles(self, person: str, community: str) -> list[str]:
        """Just the names of :meth:`of`, for showing next to a member's name."""
        return [t.title for t in await self.of(person, community)]

    async def of_many(self, persons: Iterable[str], community: str) -> dict[str, list[Title]]:
        """Active titles of many people at once (leaderboards): person -> titles, newest
        first; people without titles are left out."""
        wanted = list(dict.fromkeys(persons))
        if not wanted:
            return {}
        now = self._now()

        def read(conn: Connection) -> list[Title]:
            rows = conn.execute(
                select(_title)
                .where(_title.c.community == community, _title.c.person.in_(wanted), _active(now))
                .order_by(_title.c.granted_at.desc(), _title.c.title)
            )
            return [_row(r) for r in rows]

        found: dict[str, list[Title]] = {}
        for title in await self._db.read(read):
            found.setdefault(title.person, []).append(title)
        return found

    async def holders(self, community: str, source: str | None = None) -> list[Title]:
        """Every active title in ``community`` (of one ``source`` if given), newest first."""
        now = self._now()

        def read(conn: Connection) -> list[Title]:
            query = select(_title).where(_title.c.community == community, _active(now))
            if source is not None:
                query = query.where(_title.c.source == source)
            rows = conn.execute(query.order_by(_title.c.granted_at.desc(), _title.c.title))
            return [_row(r) for r in rows]

        return await self._db.read(read)

    async def award_rule(
        self,
        community: str,
        source: str,
        title: str,
        winners: Collection[str],
        until: datetime | None,
    ) -> tuple[list[str], list[str]]:
        """Make ``winners`` the only holders of the rule ``source``'s ``title``, in one
        transaction; returns (people who newly hold it, people who lost it)."""
        name = clean_title(title)
        now = self._now()
        expires = None if until is None else until.timestamp()

        def write(conn: Connection) -> tuple[list[str], list[str]]:
            rows = conn.execute(
                select(_title.c.person, _title.c.title, _title.c.expires_at).where(
                    _title.c.community == community, _title.c.source == source
                )
            ).all()
            holding = {
                r.person
                for r in rows
                if r.title == name and (r.expires_at is None or r.expires_at > now)
            }
            # Lapsed rows count as lost too: their holders' platform titles need a refresh.
            losing = sorted({r.person for r in rows} - set(winners))
            conn.execute(
                delete(_title).where(
                    _title.c.community == community,
                    _title.c.source == source,
                    or_(_title.c.title != name, _title.c.person.not_in(list(winners))),
                )
            )
            for person in winners:
                _upsert(conn, Title(person, community, name, source, source, now, expires))
            return sorted(set(winners) - holding), losing

        return await self._db.write(write, "titles")
