"""Shared steps of the dashboard tests: a bot with the dashboard, an HTTP client, logins."""

from __future__ import annotations

import re
from typing import Any

import httpx

from shequn.internal.dashboard import auth, dashboard_plugin
from shequn.internal.plugin import Plugin
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def dashboard_bot(make_bot: MakeBot, *plugins: Plugin, **options: Any) -> Harness:
    web = {"dashboard": True, "port": 0, "broadcast_interval": 0}
    web.update(options.pop("web", {}))
    return await make_bot(dashboard_plugin, *plugins, web=web, **options)


def client(bot: Harness) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=bot.app.web.app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, html[:500]
    return found.group(1)


async def superuser_token(bot: Harness, days: float = 30) -> str:
    _, token, _ = await auth.create_token(bot.app.db, bot.clock.now().timestamp(), days)
    return token


async def log_in(http: httpx.AsyncClient, **fields: str) -> httpx.Response:
    page = await http.get("/admin/login")
    return await http.post("/admin/login", data={"csrf": csrf_of(page.text), **fields})


async def page_csrf(http: httpx.AsyncClient, path: str = "/admin/") -> str:
    page = await http.get(path)
    assert page.status_code == 200, page.text[:300]
    return csrf_of(page.text)
