"""Databases for tests: a SQLite file per test, or a fresh database on a PostgreSQL server.

The backend is chosen with ``pytest --shequn-db=postgres`` (or ``SHEQUN_TEST_DB=postgres``);
the server comes from ``SHEQUN_TEST_POSTGRES_URL`` (``postgresql+asyncpg://user@host:port/db``).
Without a server the PostgreSQL run skips with a reason, except under CI (``CI=true``), where
a missing server fails the run instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

POSTGRES_ENV = "SHEQUN_TEST_POSTGRES_URL"
BACKEND_ENV = "SHEQUN_TEST_DB"


class TestDatabases:
    """Hands out database URLs for one test; the same name gives the same database."""

    __test__ = False  # not a test class, despite its name

    def __init__(self, backend: str, directory: Path) -> None:
        self.backend = backend
        self.directory = directory
        self._made: dict[str, str] = {}

    async def url(self, name: str) -> str:
        if name in self._made:
            return self._made[name]
        if self.backend == "sqlite":
            url = f"sqlite+aiosqlite:///{self.directory / name}"
        else:
            url = await _create_postgres_database()
        self._made[name] = url
        return url

    async def close(self) -> None:
        if self.backend == "postgres":
            for url in self._made.values():
                await _drop_postgres_database(url)


def server_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


async def _admin_connection() -> Any:
    import asyncpg  # type: ignore[import-untyped]

    server = make_url(server_url() or "")
    return await asyncpg.connect(
        host=server.host,
        port=server.port,
        user=server.username,
        password=server.password,
        database=server.database or "postgres",
    )


async def _create_postgres_database() -> str:
    name = "shequn_test_" + secrets.token_hex(6)
    conn = await _admin_connection()
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(server_url() or "").set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    conn = await _admin_connection()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
