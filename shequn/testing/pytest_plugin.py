"""Shequn's pytest plugin: the ``make_bot`` fixture (registered through ``pytest11``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio

from shequn.internal.plugin import Plugin
from shequn.testing.harness import Harness

MakeBot = Callable[..., Awaitable[Harness]]


@pytest_asyncio.fixture
async def make_bot(tmp_path: Path) -> AsyncIterator[MakeBot]:
    """``await make_bot(plugin, ...)``: a started :class:`Harness` on a fresh database."""
    made: list[Harness] = []

    async def make(*plugins: Plugin, database: Path | None = None, **options: Any) -> Harness:
        path = database or tmp_path / f"bot{len(made)}.db"
        harness = Harness(plugins, path, **options)
        made.append(harness)
        return await harness.start()

    yield make
    for harness in reversed(made):
        await harness.close()
