"""Database scale: 1M members and 10M ledger rows, on SQLite and on PostgreSQL.

    python bench/scale.py sqlite [--members 1000000] [--ledger 10000000] [--entrants 100000]
    python bench/scale.py postgres --url postgresql+asyncpg://USER@HOST:PORT/postgres [...]

The app migrates a fresh database (SQLite file in a temporary folder; on PostgreSQL a new
database on the server, dropped afterwards), then ``bench/bulk.py`` fills it: a balance and
a profile per member in one community, the ledger rows, and ``--entrants`` entries of an
open lottery. Then, through the real plugins:

* group leaderboard: the top-10 query (``ledger.top``) and ``/rank`` end to end, for a
  member on the board and one far off it (whose place is counted);
* sign-in: members send ``/signin`` at 1,000/s (p50/p99 from arrival to reply);
* a lottery draw over all entrants: the clock passes its end, the due job draws, pays the
  winners and announces (timed end to end).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bulk  # noqa: E402  (bench/bulk.py)
import load  # noqa: E402  (bench/load.py)
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from plugins.lottery import plugin as lottery  # noqa: E402
from plugins.points import plugin as points  # noqa: E402
from plugins.signin import plugin as signin  # noqa: E402
from shequn.testing import Harness  # noqa: E402

GROUP = "bench"
COMMUNITY = f"test:{GROUP}"
PLUGINS = (points, signin, lottery)


def harness(url: str) -> Harness:
    return Harness(PLUGINS, url, group=GROUP, user="admin")


async def migrate(url: str) -> None:
    async with harness(url):
        pass


def fill(url: str, members: int, ledger_rows: int) -> None:
    loader = bulk.Loader(url)
    bulk.timed(
        "balances",
        lambda: loader.load(
            "core_balance", ("person", "community", "balance"), bulk.balances(members, COMMUNITY)
        ),
    )
    bulk.timed(
        "profiles",
        lambda: loader.load("core_profile", ("key", "name", "updated_at"), bulk.profiles(members)),
    )
    bulk.timed(
        "ledger",
        lambda: loader.load(
            "core_ledger",
            bulk.LEDGER_COLUMNS,
            bulk.ledger(ledger_rows, members, COMMUNITY, COMMUNITY),
        ),
    )


def fill_entrants(url: str, lottery_id: int, entrants: int) -> None:
    loader = bulk.Loader(url)
    accounts = [bulk.member(i) for i in range(entrants)]
    loader.execute("DELETE FROM lottery_member WHERE group_key = $1", COMMUNITY)
    bulk.timed(
        "lottery members",
        lambda: loader.load(
            "lottery_member",
            ("group_key", "account", "since"),
            iter([(COMMUNITY, a, 1_600_000_000.0) for a in accounts]),
        ),
    )
    bulk.timed(
        "lottery entries",
        lambda: loader.load(
            "lottery_entry",
            ("lottery_id", "person", "account", "paid", "entered_at"),
            iter([(lottery_id, a, a, 0, 1_700_000_000.0) for a in accounts]),
        ),
    )
    loader.execute("UPDATE lottery_lottery SET entrants = $1 WHERE id = $2", entrants, lottery_id)


def ms_figures(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"p50 {load.percentile(ms, 0.5):.1f} ms, p99 {load.percentile(ms, 0.99):.1f} ms"


async def timed_calls(call: object, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        await call()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return samples


async def scalar(bot: Harness, sql: str) -> Any:
    return await bot.app.db.read(lambda conn: conn.execute(text(sql)).scalar())


async def measure(url: str, members: int) -> int:
    """Leaderboard and sign-ins; creates the lottery and returns its id."""
    async with harness(url) as bot:
        app = bot.app
        top = await timed_calls(lambda: app.ledger.top(COMMUNITY, 10), 50)
        print(f"leaderboard top 10 query:            {ms_figures(top)}  (target < 50 ms)")
        board = await app.ledger.top(COMMUNITY, 1)
        leader = board[0][0].split(":", 1)[1]
        off_board = f"m{members // 2:07d}"
        on = await timed_calls(lambda: bot.say("/rank", user=leader), 20)
        off = await timed_calls(lambda: bot.say("/rank", user=off_board), 20)
        print(f"/rank end to end, member on board:   {ms_figures(on)}")
        print(f"/rank end to end, member off board:  {ms_figures(off)}  (counts their place)")

        users = [f"m{i:07d}" for i in range(0, members, max(1, members // 5000))][:5000]
        figures = await load.paced_signins(bot, users, GROUP, 1000.0)
        print(figures.line("sign-in") + f"  ({len(users):,} members of {members:,})")
        signed = await load.signin_members(bot)
        if signed != len(users):
            raise SystemExit(f"exactly-once check failed: {signed} of {len(users)}")

        bot.make_admin("admin")
        answer = await bot.say("/lottery create Bench prize winners=10 points=5 end=1h")
        lottery_id = int(await scalar(bot, "SELECT max(id) FROM lottery_lottery"))
        print(f"  lottery #{lottery_id} created: {answer.splitlines()[0] if answer else '?'}")
        return lottery_id


async def measure_draw(url: str, lottery_id: int, entrants: int) -> None:
    async with harness(url) as bot:
        start = time.perf_counter()
        announced = await bot.advance(timedelta(hours=1, seconds=1))
        seconds = time.perf_counter() - start
        winners = await scalar(
            bot,
            f"SELECT count(*) FROM lottery_entry WHERE lottery_id = {lottery_id} "
            "AND winner_round = 1",
        )
        drawn = "is drawn" in announced
        print(
            f"lottery draw over {entrants:,} entrants: {seconds * 1000:,.0f} ms end to end "
            f"(due job, draw, 10 prizes, announcement); drawn: {drawn}, winners: {winners}"
        )


async def create_pg_database(server: str) -> str:
    name = "shequn_bench_" + secrets.token_hex(4)
    loader = bulk.Loader(server)
    conn = await loader._connect()
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(server: str, url: str) -> None:
    conn = await bulk.Loader(server)._connect()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--url", default=os.environ.get("SHEQUN_TEST_POSTGRES_URL", ""))
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--ledger", type=int, default=10_000_000)
    parser.add_argument("--entrants", type=int, default=100_000)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"load average: {os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        if options.database == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'scale.db'}"
        else:
            if not options.url:
                raise SystemExit("postgres: give --url (or SHEQUN_TEST_POSTGRES_URL)")
            url = asyncio.run(create_pg_database(options.url))
        try:
            asyncio.run(migrate(url))
            started = time.perf_counter()
            print(f"filling {options.database}:", flush=True)
            fill(url, options.members, options.ledger)
            print(f"  filled in {time.perf_counter() - started:,.0f} s", flush=True)
            lottery_id = asyncio.run(measure(url, options.members))
            entrants = min(options.entrants, options.members)
            fill_entrants(url, lottery_id, entrants)
            asyncio.run(measure_draw(url, lottery_id, entrants))
        finally:
            if options.database == "postgres":
                asyncio.run(drop_pg_database(options.url, url))


if __name__ == "__main__":
    main()
