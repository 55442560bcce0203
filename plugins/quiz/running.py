"""Which groups have a running round, per app: a message in any other group skips the
database entirely. The database stays the truth (``quiz_active``); this is only a filter,
rebuilt at start."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy import Connection, select

from shequn import App

from .models import QuizActive

_active = QuizActive.__table__  # type: ignore[attr-defined]
_running: WeakKeyDictionary[App, set[str]] = WeakKeyDictionary()


def groups(app: App) -> set[str]:
    return _running.setdefault(app, set())


async def load(app: App) -> None:
    def read(conn: Connection) -> set[str]:
        return set(conn.execute(select(_active.c.group_key)).scalars())

    _running[app] = await app.db.read(read)
