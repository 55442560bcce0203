"""The dashboard shows events dropped beyond a group's queue, as ``/stats`` does."""

from __future__ import annotations

import re
from urllib.parse import quote

from plugins.signin import plugin as signin
from shequn.testing import VirtualTimer
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in, superuser_token

QUEUE = 10
ARRIVING = 25
SHOWN = re.compile(r"Dropped by the rate limits since the bot started: (\d+) events")


def g(key: str) -> str:
    return "/admin/g/" + quote(key, safe="")


async def test_a_surge_beyond_the_group_queue_shows_its_drops_on_the_dashboard(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(
        make_bot,
        signin,
        limits={"group_queue": QUEUE, "group_burst": 2, "group_per_second": 1.0},
    )
    bot.app.timer = VirtualTimer()
    assert await bot.say("/signin", user="calm", group="quiet")
    for n in range(ARRIVING):  # all at once: the queue holds QUEUE, the rest are dropped
        bot.app.submit(bot.message("/signin", user=f"m{n}", group="packed"))
    await bot.app.intake.drain()
    await bot.app.limits.settle()
    dropped = bot.app.limits.dropped["test:packed"]
    assert dropped == ARRIVING - QUEUE

    async with client(bot) as http:
        assert (await log_in(http, token=await superuser_token(bot))).status_code == 303
        packed = await http.get(g("test:packed"))
        assert packed.status_code == 200
        found = SHOWN.search(packed.text)
        assert found is not None and int(found.group(1)) == dropped
        quiet = await http.get(g("test:quiet"))
        assert quiet.status_code == 200 and "Dropped by the rate limits" not in quiet.text

        overview = (await http.get("/admin/")).text
        assert f"{dropped} events dropped since the bot started" in overview
        assert overview.count("dropped since the bot started") == 1  # the quiet group: none

        await http.get("/admin/lang/zh-CN")
        chinese = (await http.get(g("test:packed"))).text
        assert f"自机器人启动以来，因频率限制丢弃的事件：{dropped} 个" in chinese
