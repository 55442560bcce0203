"""Which members are still verifying, kept in memory so that ordinary messages cost no
database read. It is a hint: the database decides, and a stale entry is dropped on use."""

from __future__ import annotations

import weakref

from shequn import App

from .declaration import plugin
from .store import all_pending

_pending: weakref.WeakKeyDictionary[App, set[tuple[str, str]]] = weakref.WeakKeyDictionary()


def verifying(app: App) -> set[tuple[str, str]]:
    """(group key, account key) of newcomers with a pending verification."""
    return _pending.setdefault(app, set())


@plugin.on_startup
async def load_pending(app: App) -> None:
    verifying(app).update(await app.db.read(all_pending))
