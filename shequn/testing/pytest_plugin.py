"""Shequn's pytest plugin (registered through ``pytest11``): the ``make_bot`` fixture and the
``--shequn-db`` option that runs the same tests on SQLite (default) or PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from shequn.internal.plugin import Plugin
from shequn.testing.databases import BACKEND_ENV, POSTGRES_ENV, TestDatabases, server_url
from shequn.testing.harness import Harness

MakeBot = Callable[..., Awaitable[Harness]]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shequn-db",
        choices=("sqlite", "postgres"),
        default=os.environ.get(BACKEND_ENV, "sqlite"),
        help=f"database of make_bot (PostgreSQL server from ${POSTGRES_ENV})",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL run only the tests that use a database; the rest ran on SQLite."""
    if config.getoption("--shequn-db") != "postgres":
        return
    keep = [i for i in items if "test_databases" in getattr(i, "fixturenames", ())]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


@pytest.fixture
def shequn_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``; a PostgreSQL run without a server skips (fails under CI)."""
    backend = str(request.config.getoption("--shequn-db"))
    if backend == "postgres" and server_url() is None:
        reason = f"no PostgreSQL server: set {POSTGRES_ENV}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return backend


@pytest_asyncio.fixture
async def test_databases(shequn_backend: str, tmp_path: Path) -> AsyncIterator[TestDatabases]:
    databases = TestDatabases(shequn_backend, tmp_path)
    yield databases
    await databases.close()


@pytest_asyncio.fixture
async def make_bot(test_databases: TestDatabases) -> AsyncIterator[MakeBot]:
    """``await make_bot(plugin, ...)``: a started :class:`Harness` on a fresh database.

    ``database=NAME`` (a name or path) lets several harnesses share one database, as several
    processes or a restart would.
    """
    made: list[Harness] = []

    async def make(*plugins: Plugin, database: Path | str | None = None, **options: Any) -> Harness:
        name = str(database) if database is not None else f"bot{len(made)}.db"
        url = await test_databases.url(name)
        harness = Harness(plugins, url, **options)
        made.append(harness)
        return await harness.start()

    yield make
    for harness in reversed(made):
        await harness.close()
