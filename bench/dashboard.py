"""Dashboard page times with many groups: the overview (health of every group) and one
group page, served in process through httpx.

    python bench/dashboard.py [GROUPS] [MESSAGES_PER_GROUP]
    python bench/dashboard.py --cache [GROUPS ...]   # overview: cold vs cached health

``--cache`` times the overview with its health cache emptied before each request (what
every load cost before the cache) and with the cache filled, for each number of groups
(default 200 and 1,000), and prints the ratio.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from plugins.signin import plugin as signin
from shequn.internal.dashboard import dashboard_plugin
from shequn.internal.dashboard.state import state_of
from shequn.testing.harness import Harness
from tests.dashboard.helpers import client, log_in, superuser_token


async def timed(
    http: httpx.AsyncClient, path: str, before: Callable[[], None] | None = None, runs: int = 3
) -> float:
    """Best of ``runs`` requests, in ms; ``before`` (a callable) runs untimed before each."""
    best = float("inf")
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        response = await http.get(path)
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200
    return best * 1000


async def seeded(tmp: str, groups: int, messages: int) -> Harness:
    bot = Harness(
        [dashboard_plugin, signin], Path(tmp) / "b.db", web={"dashboard": True, "port": 0}
    )
    await bot.start()
    for g in range(groups):
        for m in range(messages):
            await bot.say(f"m{m}", user=f"u{m % 7}", group=f"g{g}")
    return bot


async def main(groups: int, messages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bot = await seeded(tmp, groups, messages)
        try:
            async with client(bot) as http:
                await log_in(http, token=await superuser_token(bot))
                for label, path in (
                    ("overview", "/admin/"),
                    ("group page", "/admin/g/" + quote("test:g0", safe="")),
                ):
                    best = await timed(http, path)
                    print(f"{label:<11} {groups} groups: best {best:.0f} ms")
        finally:
            await bot.close()


async def cache(counts: list[int], messages: int = 20) -> None:
    for groups in counts:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await seeded(tmp, groups, messages)
            try:
                health = state_of(bot.app).health
                async with client(bot) as http:
                    await log_in(http, token=await superuser_token(bot))
                    cold = await timed(http, "/admin/", health._views.clear)
                    await http.get("/admin/")
                    warm = await timed(http, "/admin/")
                print(
                    f"overview {groups:>5} groups: without cache {cold:.0f} ms, "
                    f"cached {warm:.0f} ms ({cold / warm:.1f}x faster)"
                )
            finally:
                await bot.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cache"]:
        asyncio.run(cache([int(a) for a in sys.argv[2:]] or [200, 1000]))
    else:
        arguments = [int(a) for a in sys.argv[1:3]]
        asyncio.run(main(*(arguments + [200, 20][len(arguments) :])))
