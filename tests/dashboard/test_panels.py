"""Plugin panels: the five built-in ones render on real data, a failing one is contained."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from plugins.lottery import plugin as lottery
from plugins.moderation import plugin as moderation
from plugins.quiz import plugin as quiz
from plugins.quotes import plugin as quotes
from plugins.shop import plugin as shop
from shequn import App, Plugin
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in, superuser_token

broken = Plugin("brokenpanel")


@broken.dashboard_panel("panel.broken")
async def _broken(app: App, group_key: str) -> list[dict[str, Any]]:
    raise RuntimeError("the panel's query failed")


async def test_plugin_panels_show_on_group_and_community_pages(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, moderation, lottery, quiz, quotes, shop, broken)
    bot.make_admin("admin")
    await bot.say("hello", user="bob")
    await bot.say("/warn @bob off topic", user="admin")
    community = await bot.app.identity.create_community("guild")
    await bot.app.identity.add_group(community, "test:group")
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        page = await http.get("/admin/g/" + quote("test:group", safe=""))
        assert page.status_code == 200
        text = page.text
        for heading in ("Moderation log", "Active warnings", "Lotteries", "Quiz rounds"):
            assert heading in text
        assert "Quotes" in text and "Shop orders" in text
        assert "off topic" in text  # the warning and its audit entry
        assert text.count("could not be loaded") == 1  # only the broken panel
        community_page = await http.get("/admin/c/" + quote(community, safe=""))
        assert "Shared blacklist" in community_page.text
