"""Command cooldowns behind a small store: in memory for one process, in the database
(``core_cooldown``) when several workers share it (``[cluster] shared = true``).

A claim covers all keys of one command use (the user's and the group's) at once: either
every key was free and is now taken until its own end, or nothing changes and the caller
learns how long to wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection, delete, select

from shequn.internal.models import Cooldown
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import upsert_if_expired

_cooldown = Cooldown.__table__  # type: ignore[attr-defined]

MEMORY_ENTRIES = 100_000
"""Above this many remembered cooldowns, expired ones are dropped."""

Claim = Sequence[tuple[str, float]]
"""(key, seconds) pairs of one command use."""


class CooldownStore(Protocol):
    async def claim(self, keys: Claim, now: float) -> float:
        """0 when every key was free (now taken); else the seconds left on the longest."""
        ...


class MemoryCooldowns:
    def __init__(self, capacity: int = MEMORY_ENTRIES) -> None:
        self._capacity = capacity
        self._until: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._until)

    async def claim(self, keys: Claim, now: float) -> float:
        left = max((self._until.get(k, 0.0) - now for k, _ in keys), default=0.0)
        if left > 0:
            return left
        if len(self._until) > self._capacity:
            self._trim(now)
        for key, seconds in keys:
            self._until[key] = now + seconds
        return 0.0

    def _trim(self, now: float) -> None:
        """Drop expired cooldowns; if most are still running, also the oldest, down to
        three quarters of the capacity, so that trimming is not repeated on every use."""
        live = {k: t for k, t in self._until.items() if t > now}
        excess = len(live) - self._capacity * 3 // 4
        if excess > 0:
            for key in list(live)[:excess]:
                del live[key]
        self._until = live


class DatabaseCooldowns:
    """Each key is taken by a conditional upsert (only when expired), inside a savepoint
    so that a claim losing on one key leaves the others untouched."""

    def __init__(self, db: Database, purge_every: float = 600.0) -> None:
        self._db = db
        self._purge_every = purge_every
        self._purged_at: float | None = None

    async def claim(self, keys: Claim, now: float) -> float:
        wanted = [(key[:400], now + seconds) for key, seconds in keys]
        left = await self._db.write(lambda conn: _claim(conn, wanted, now), "cooldown")
        if self._purged_at is None or now - self._purged_at >= self._purge_every:
            self._purged_at = now
            await self._db.write(
                lambda conn: conn.execute(delete(_cooldown).where(_cooldown.c.until <= now)),
                "cooldown-purge",
            )
        return left


def _claim(conn: Connection, wanted: list[tuple[str, float]], now: float) -> float:
    savepoint = conn.begin_nested()
    for key, until in wanted:
        if not upsert_if_expired(conn, _cooldown, {"key": key}, "until", until, now):
            savepoint.rollback()
            ends = conn.execute(
                select(_cooldown.c.until).where(_cooldown.c.key.in_([k for k, _ in wanted]))
            ).scalars()
            return max((t - now for t in ends), default=0.0) or 1e-3
    savepoint.commit()
    return 0.0
