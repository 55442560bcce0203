"""The overview's health cache: the same figures as a fresh computation, kept for a minute,
dropped when analytics writes new records of a group."""

from __future__ import annotations

import re
from datetime import timedelta

from shequn.internal.dashboard.health import group_health
from shequn.internal.dashboard.state import state_of
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in, superuser_token

_ROW = re.compile(
    r"<small class=\"muted\">(test:[a-z]+)</small>.*?"
    r"((?:<span class=\"badge\">[^<]*</span>\s*)*)<br><small class=\"muted\">"
    r"[^<]*?(\d+) · [^<]*?(\d+)</small>",
    re.S,
)


def rows(html: str) -> dict[str, tuple[str, str, str]]:
    """Group -> (badges, members, messages) as the overview shows them."""
    return {
        m.group(1): (" ".join(re.findall(r">([^<]+)<", m.group(2))), m.group(3), m.group(4))
        for m in _ROW.finditer(html)
    }


async def fresh(bot: Harness, keys: list[str]) -> dict[str, tuple[str, str, str]]:
    """The same figures computed without the cache."""
    found = {}
    for key in keys:
        view = await group_health(bot.app, key, "en")
        assert view is not None
        found[key] = (
            f"{view.stage} {view.kind}",
            view.figures["members"],
            view.figures["messages"],
        )
    return found


async def test_cached_overview_shows_the_figures_of_a_fresh_computation(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot)
    keys = ["test:alpha", "test:beta", "test:gamma"]
    for n, key in enumerate(keys):
        for i in range(4 + 5 * n):
            await bot.say(f"m{i}", user=f"u{i % (n + 2)}", group=key.split(":")[1])
    cache = state_of(bot.app).health
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        first = rows((await http.get("/admin/")).text)
        assert first == await fresh(bot, keys)
        assert first["test:gamma"][1:] == ("4", "14")
        kept = {key: cache._views[key]["en"][0] for key in keys}

        second = rows((await http.get("/admin/")).text)  # from the cache
        assert second == first
        assert all(cache._views[key]["en"][0] is kept[key] for key in keys)

        await bot.say("news", user="newcomer", group="beta")  # analytics flushes beta
        third = rows((await http.get("/admin/")).text)
        assert third == await fresh(bot, keys)
        assert third["test:beta"][1:] == (str(int(first["test:beta"][1]) + 1), "10")
        assert cache._views["test:beta"]["en"][0] is not kept["test:beta"]
        assert cache._views["test:alpha"]["en"][0] is kept["test:alpha"]

        await bot.advance(timedelta(seconds=61))  # older than the TTL: computed again
        fourth = rows((await http.get("/admin/")).text)
        assert fourth == await fresh(bot, keys)
        assert cache._views["test:alpha"]["en"][0] is not kept["test:alpha"]
