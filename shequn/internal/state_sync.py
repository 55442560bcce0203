"""Caches loaded at start, kept fresh when another worker changes what they hold.

Plugin switches, group settings, account links and communities are read at start and served
from memory (they are asked on every event). A change bumps a version counter for its cache
(``core_state_version``) in the same transaction; with several workers on one database
(``[cluster] shared``), each worker reads the counters every ``refresh_seconds`` and reloads a
cache whose counter moved. So ``/plugin off`` at one worker holds at every worker within a
couple of seconds, without a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection, select

from shequn.internal.models import StateVersion
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import upsert_add

log = logging.getLogger("shequn.state")

_version = StateVersion.__table__  # type: ignore[attr-defined]

Loader = Callable[[], Awaitable[None]]


def bump(conn: Connection, name: str) -> None:
    """Mark the cache ``name`` as changed; call inside the write that changes it."""
    upsert_add(conn, _version, {"name": name}, "version", 1)


def _read_versions(conn: Connection) -> dict[str, int]:
    return {r.name: int(r.version) for r in conn.execute(select(_version))}


class StateSync:
    """Reloads the registered caches whose version another worker moved."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._loaders: dict[str, Loader] = {}
        self._known: dict[str, int] = {}

    def register(self, name: str, loader: Loader) -> None:
        self._loaders[name] = loader

    async def load_all(self) -> None:
        """Load every cache, noting the versions first: a change committed while loading
        then shows as a moved version at the next refresh, never as a missed one."""
        self._known = await self._db.read(_read_versions)
        for loader in self._loaders.values():
            await loader()

    async def refresh(self) -> list[str]:
        """Reload the caches changed since they were last loaded; returns their names."""
        versions = await self._db.read(_read_versions)
        changed = [n for n in self._loaders if versions.get(n, 0) != self._known.get(n, 0)]
        for name in changed:
            self._known[name] = versions.get(name, 0)
            await self._loaders[name]()
            log.info("reloaded %s changed by another worker", name)
        return changed

    async def run_forever(self, every: float) -> None:
        """Refresh every ``every`` seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh()
            except Exception:
                log.warning("could not check for changes by other workers", exc_info=True)
