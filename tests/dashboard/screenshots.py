"""Screenshots of the dashboard's main pages for the docs (``docs/screenshots/*.png``).

Run ``python -m tests.dashboard.screenshots`` from the repository root: it builds a small
demo (two platforms, a community, two weeks of activity) on a throwaway database, serves the
dashboard on a free local port and photographs it with headless Chromium.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from plugins.lottery import plugin as lottery
from plugins.moderation import plugin as moderation
from plugins.quotes import plugin as quotes
from plugins.signin import plugin as signin
from shequn.internal.dashboard import auth, dashboard_plugin
from shequn.internal.simulation import SimulatedPlatform
from shequn.testing.harness import Harness
from tests.dashboard.browser import chromium, missing_reason, serve

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MEMBERS = ["lin", "mei", "chen", "wang", "zhao", "sun", "li", "zhou", "wu", "zheng"]


async def demo(database: Path) -> Harness:
    bot = Harness(
        [dashboard_plugin, signin, moderation, lottery, quotes],
        database,
        platform="qq",
        group="readers",
        start=datetime(2026, 3, 1, 1, 0, tzinfo=UTC),
        web={"dashboard": True, "port": 0, "broadcast_interval": 0},
    )
    telegram = SimulatedPlatform(bot.app, "telegram")
    bot.app.add_adapter(telegram)
    await bot.start()
    rng = random.Random(7)
    bot.make_admin("lin")
    for day in range(14):
        busy = 4 + day if day < 10 else 14 - 3 * (day - 10)
        for i in range(max(busy, 1) * 3):
            await bot.say(f"day {day} message {i}", user=rng.choice(MEMBERS))
        for i in range(3 + day // 2):
            await bot.say("/signin", user=MEMBERS[i % len(MEMBERS)])
        for i in range(max(8 - day, 1)):
            await bot.say(f"hi {i}", user=rng.choice(MEMBERS[:4]), group="writers")
        if day % 3 == 0:
            await bot.join(f"new{day}", inviter=rng.choice(MEMBERS[:3]))
        event = telegram.message_event(rng.choice(MEMBERS), f"gm {day}", "translators")
        await bot.app.dispatch(event)
        await bot.advance(timedelta(days=1))
    await bot.say("/warn @zhao off topic", user="lin")
    community = await bot.app.identity.create_community("Readers' Club")
    for key in ("qq:readers", "qq:writers", "telegram:translators"):
        await bot.app.identity.add_group(community, key)
    return bot


async def shoot() -> int:
    reason = missing_reason()
    if reason is not None:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        bot = await demo(Path(tmp) / "demo.db")
        try:
            base = await serve(bot)
            _, token, _ = await auth.create_token(bot.app.db, bot.clock.now().timestamp(), 1)
            async with chromium() as browser:
                page = await browser.new_page(viewport={"width": 1200, "height": 800})
                await page.goto(base + "/admin/login")
                await page.fill("#token", token)
                await page.click("#token-form button[type=submit]")
                await page.wait_for_selector("#groups")
                await page.screenshot(path=str(OUT / "overview.png"), full_page=True)
                await page.goto(base + "/admin/g/" + quote("qq:readers", safe=""))
                await page.click("#plugin-signin summary")
                await page.screenshot(path=str(OUT / "group.png"), full_page=True)
                community = bot.app.identity.find_community("Readers' Club")
                url = base + "/admin/c/" + quote(community, safe="")
                await page.goto(url)
                await page.fill("#text", "Reading night on Friday at 8pm!")
                await page.click("#broadcast-form button[type=submit]")
                await page.wait_for_selector("#broadcasts")
                for _ in range(50):
                    if not await page.locator("[data-status=pending]").count():
                        break
                    await asyncio.sleep(0.1)
                    await page.goto(url)
                await page.screenshot(path=str(OUT / "community.png"), full_page=True)
                phone = await browser.new_page(viewport={"width": 390, "height": 844})
                await phone.context.add_cookies(await page.context.cookies())
                await phone.goto(base + "/admin/")
                await phone.screenshot(path=str(OUT / "overview-phone.png"), full_page=True)
        finally:
            await bot.close()
    for name in ("overview", "group", "community", "overview-phone"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(shoot()))
