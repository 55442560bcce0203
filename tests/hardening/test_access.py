"""Every dashboard route but the login page refuses a visitor without a valid session, and a
forged session cookie or a wrong token gets nobody in."""

from __future__ import annotations

import re

from starlette.routing import Route

from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in, superuser_token

OPEN = {"/admin/login", "/admin/lang/{code}"}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "test%3Agroup", path)


async def test_every_dashboard_route_needs_a_session(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    routes = [
        r for r in bot.app.web.app.routes if isinstance(r, Route) and r.path.startswith("/admin")
    ]
    guarded = [r for r in routes if r.path not in OPEN]
    assert len(guarded) >= 8
    async with client(bot) as http:
        for forged in ({}, {"shequn_session": "forged"}, {"session": "x" * 64}):
            http.cookies.clear()
            for name, value in forged.items():
                http.cookies.set(name, value)
            for route in guarded:
                for method in route.methods or ():
                    if method == "HEAD":
                        continue
                    response = await http.request(method, concrete(route.path), data={"x": "1"})
                    assert response.status_code in (302, 303, 307, 401, 403), (
                        method,
                        route.path,
                        response.status_code,
                    )
                    if response.is_redirect:
                        assert response.headers["location"].endswith("/admin/login")
        token = await superuser_token(bot)
        refused = await log_in(http, token=token[:-2] + "xx")
        assert refused.status_code in (200, 401, 403) and "/admin/login" in str(refused.url)
        assert (await http.get("/admin/")).is_redirect
        accepted = await log_in(http, token=token)
        assert accepted.status_code in (200, 302, 303)
        assert (await http.get("/admin/")).status_code == 200
