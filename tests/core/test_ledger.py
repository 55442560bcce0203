"""The ledger: keyed postings happen once, balances never go negative, multi-posts are atomic."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from shequn import Outcome, Posting
from shequn.internal.models import LedgerEntry
from shequn.testing import Harness


def _p(amount: int, key: str, person: str = "p:1", community: str = "c") -> Posting:
    return Posting(person, community, amount, "test", key)


async def _rows(bot: Harness) -> int:
    table = LedgerEntry.__table__  # type: ignore[attr-defined]
    return await bot.app.db.read(
        lambda c: c.execute(select(func.count()).select_from(table)).scalar_one()
    )


async def test_same_key_concurrently_applies_once(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    ledger = bot.app.ledger
    outcomes = await asyncio.gather(*(ledger.post(_p(10, "grant:1")) for _ in range(200)))
    assert outcomes.count(Outcome.APPLIED) == 1
    assert outcomes.count(Outcome.DUPLICATE) == 199
    assert await ledger.balance("p:1", "c") == 10
    assert await _rows(bot) == 1


async def test_balance_never_negative(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    ledger = bot.app.ledger
    assert await ledger.post(_p(-1, "debit:0")) is Outcome.INSUFFICIENT
    await ledger.post(_p(5, "grant:1"))
    results = await asyncio.gather(*(ledger.post(_p(-2, f"debit:{i}")) for i in range(10)))
    assert results.count(Outcome.APPLIED) == 2
    assert await ledger.balance("p:1", "c") == 1
    assert await _rows(bot) == 3


async def test_multi_posting_is_all_or_nothing(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    ledger = bot.app.ledger
    await ledger.post(_p(3, "grant:1", person="a"))
    transfer = (_p(-5, "t:1:out", person="a"), _p(5, "t:1:in", person="b"))
    assert await ledger.post(*transfer) is Outcome.INSUFFICIENT
    assert await ledger.balance("b", "c") == 0
    assert (
        await ledger.post(_p(-3, "t:2:out", person="a"), _p(3, "t:2:in", person="b"))
        is Outcome.APPLIED
    )
    assert (await ledger.balance("a", "c"), await ledger.balance("b", "c")) == (0, 3)
    assert await ledger.top("c") == [("b", 3)]


async def test_two_processes_on_one_file_apply_once(make_bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "shared.db"
    one: Harness = await make_bot(database=db)
    two: Harness = await make_bot(database=db)
    results = await asyncio.gather(
        *(bot.app.ledger.post(_p(7, "once")) for bot in (one, two) for _ in range(50))
    )
    assert results.count(Outcome.APPLIED) == 1
    assert await one.app.ledger.balance("p:1", "c") == 7


async def test_standing_counts_small_communities_exactly_and_caches_big_ones(  # type: ignore[no-untyped-def]
    make_bot, monkeypatch
) -> None:
    from shequn.internal import ledger as module

    bot: Harness = await make_bot()
    ledger = bot.app.ledger
    for n in range(3):
        await ledger.post(_p(10 * (n + 1), f"k{n}", person=f"p:{n}", community="small"))
        assert (await ledger.standing("p:0", "small")).holders == n + 1  # always exact
    mine = await ledger.standing("p:0", "small")
    assert (mine.balance, mine.rank) == (10, 3)

    monkeypatch.setattr(module, "HOLDERS_CACHE_FROM", 3)
    for n in range(3):
        await ledger.post(_p(10 * (n + 1), f"b{n}", person=f"p:{n}", community="big"))
    assert (await ledger.standing("p:2", "big")).holders == 3
    await ledger.post(_p(100, "b3", person="p:3", community="big"))
    found = await ledger.standing("p:2", "big")
    assert found.holders == 3  # the count of a big community is reused for a while...
    assert (found.balance, found.rank) == (30, 2)  # ...the balance and place never are
    monkeypatch.setattr(module, "HOLDERS_TTL", 0.0)
    assert (await ledger.standing("p:2", "big")).holders == 4
