"""The group-commit writer: ordinary writes never wait behind a backlog of background ones,
and the backlog still drains while ordinary writes keep coming."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Connection

from shequn.testing import Harness

MakeBot = Any


async def test_an_ordinary_write_goes_ahead_of_a_background_backlog(make_bot: MakeBot) -> None:
    bot: Harness = await make_bot()
    db = bot.app.db
    order: list[str] = []

    def step(name: str) -> Any:
        def run(conn: Connection) -> str:
            order.append(name)
            return name

        return run

    background = [
        asyncio.ensure_future(db.write(step(f"bg{n}"), background=True)) for n in range(40)
    ]
    ordinary = asyncio.ensure_future(db.write(step("signin")))
    assert await ordinary == "signin"
    assert await asyncio.gather(*background) == [f"bg{n}" for n in range(40)]
    # the sign-in ran in the first transaction, ahead of all but one background write
    assert order.index("signin") <= 1
    assert sorted(order) == sorted(["signin", *(f"bg{n}" for n in range(40))])  # each once


async def test_a_background_backlog_drains_under_steady_ordinary_writes(
    make_bot: MakeBot, monkeypatch: Any
) -> None:
    from shequn.internal.storage import database

    monkeypatch.setattr(database, "BACKLOG_SECONDS", 0.0)  # every background write is late
    bot: Harness = await make_bot()
    db = bot.app.db
    done: list[int] = []

    def mark(n: int) -> Any:
        return lambda conn: done.append(n)

    backlog = asyncio.gather(*(db.write(mark(n), background=True) for n in range(200)))
    ordinary = 0
    while not backlog.done():
        await db.write(lambda conn: None)  # a member's write, one after the other
        ordinary += 1
    await backlog
    assert sorted(done) == list(range(200))
    assert ordinary < 200  # more than one background write per batch while they piled up
