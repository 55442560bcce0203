"""Acceptance in a real browser: headless Chromium driven by Playwright.

Skipped with a reason where Playwright or chromium is missing; under ``CI=true`` a missing
browser fails the run instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
import pytest_asyncio

from plugins.signin import plugin as signin
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.browser import chromium, missing_reason, serve
from tests.dashboard.helpers import dashboard_bot, superuser_token

if (_reason := missing_reason()) is not None:
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"browser tests cannot run under CI: {_reason}")
    pytest.skip(_reason, allow_module_level=True)

from playwright.async_api import Browser, Page


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def started(make_bot: MakeBot) -> tuple[Harness, str]:
    bot = await dashboard_bot(make_bot, signin, web={"host": "127.0.0.1"})
    return bot, await serve(bot)


def group_url(base: str, key: str) -> str:
    return f"{base}/admin/g/{quote(key, safe='')}"


async def token_login(page: Page, base: str, token: str) -> None:
    await page.goto(base + "/admin/")
    assert page.url.endswith("/admin/login")
    await page.fill("#token", token)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("#groups")


async def test_token_login_then_switch_off_silences_the_command(
    make_bot: MakeBot, browser: Browser
) -> None:
    bot, base = await started(make_bot)
    before = await bot.say("/signin", user="bob", group="alpha")
    assert before
    page = await browser.new_page()
    await token_login(page, base, await superuser_token(bot))
    await page.click("#groups a[href*='test%3Aalpha']")
    await page.wait_for_selector("#group-name")
    await page.click("#plugin-signin summary")
    await page.click("#switch-signin button[type=submit]")
    await page.wait_for_selector("[data-state=signin].off")
    assert await bot.say("/signin", user="carol", group="alpha") == ""
    assert await bot.say("/signin", user="carol", group="beta")  # only that group
    await page.close()


async def test_group_admin_cannot_open_another_groups_page(
    make_bot: MakeBot, browser: Browser
) -> None:
    bot, base = await started(make_bot)
    bot.make_admin("dora", group="mine")
    await bot.say("hello", user="eve", group="theirs")
    await bot.say("/dashboard", user="dora", group="mine")
    code = re.search(r"code: ([A-Z0-9]{8})", "\n".join(s.text for s in bot.sent))
    assert code is not None
    page = await browser.new_page()
    await page.goto(base + "/admin/login")
    await page.fill("#code", code.group(1))
    await page.click("#code-form button[type=submit]")
    await page.wait_for_selector("#groups")
    assert "test:mine" in await page.inner_text("#groups")
    assert "test:theirs" not in await page.inner_text("#groups")
    own = await page.goto(group_url(base, "test:mine"))
    assert own is not None and own.status == 200
    other = await page.goto(group_url(base, "test:theirs"))
    assert other is not None and other.status == 403
    assert "do not administer" in await page.inner_text("#error")
    await page.close()


async def test_a_form_without_its_csrf_token_is_refused(
    make_bot: MakeBot, browser: Browser
) -> None:
    bot, base = await started(make_bot)
    await bot.say("hello", group="alpha")
    page = await browser.new_page()
    await token_login(page, base, await superuser_token(bot))
    await page.goto(group_url(base, "test:alpha"))
    await page.click("#plugin-signin summary")
    await page.evaluate("document.querySelector('#switch-signin input[name=csrf]').remove()")
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.click("#switch-signin button[type=submit]")
    response = await posted.value
    assert response.status == 403
    await page.wait_for_selector("#error")
    assert "out of date" in await page.inner_text("#error")
    assert await bot.say("/signin", user="bob", group="alpha")  # still on
    await page.close()
