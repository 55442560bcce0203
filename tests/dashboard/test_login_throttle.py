"""The dashboard login under attack: parallel guesses are counted before they are evaluated,
forwarded headers from an untrusted peer cannot spread the limit over made-up addresses, a
one-time code dies after a few wrong tries, and an admin with the right token still gets in
from an address an attacker has throttled. Also: keys holding "/" open."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from plugins.signin import plugin as signin
from shequn.internal.dashboard import auth
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import csrf_of, dashboard_bot, superuser_token

ATTACKER = "203.0.113.66"


def browser(bot: Harness, address: str = ATTACKER) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=bot.app.web.app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def attempts(bot: Harness, count: int, address: str = ATTACKER, **headers: str) -> list[int]:
    """``count`` logins with wrong codes at once, each from its own browser at ``address``,
    with ``headers`` (``{n}`` in a value becomes the attempt's number)."""
    browsers = [browser(bot, address) for _ in range(count)]
    try:
        pages = [await b.get("/admin/login") for b in browsers]

        async def attempt(n: int) -> int:
            sent = {k.replace("_", "-"): v.format(n=n) for k, v in headers.items()}
            data = {"csrf": csrf_of(pages[n].text), "code": "ZZZ22222"}
            return (await browsers[n].post("/admin/login", data=data, headers=sent)).status_code

        return list(await asyncio.gather(*(attempt(n) for n in range(count))))
    finally:
        for b in browsers:
            await b.aclose()


async def log_in(http: httpx.AsyncClient, **fields: str) -> int:
    page = await http.get("/admin/login")
    response = await http.post("/admin/login", data={"csrf": csrf_of(page.text), **fields})
    return response.status_code


async def admin_code(bot: Harness) -> str:
    bot.make_admin("dora")
    await bot.say("/dashboard", user="dora")
    found = re.findall(r"code: ([A-Z0-9]{8})", "\n".join(s.text for s in bot.sent))
    assert found
    return str(found[-1])


def counting_redeems(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every code the login really evaluates."""
    seen: list[str] = []
    original = auth.redeem_code

    async def redeem(db: Any, code: str, now: float) -> str | None:
        seen.append(code)
        return await original(db, code, now)

    monkeypatch.setattr(auth, "redeem_code", redeem)
    return seen


async def test_fifty_parallel_guesses_get_ten_evaluations(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await dashboard_bot(make_bot)
    evaluated = counting_redeems(monkeypatch)
    statuses = await attempts(bot, 50)
    assert sorted(statuses) == [403] * 10 + [429] * 40
    assert len(evaluated) == 10


async def test_forwarded_headers_from_an_untrusted_peer_do_not_spread_the_limit(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await dashboard_bot(make_bot)
    evaluated = counting_redeems(monkeypatch)
    statuses = await attempts(
        bot, 30, x_forwarded_for="198.51.100.{n}", forwarded="for=192.0.2.{n}"
    )
    assert statuses.count(403) == 10 and statuses.count(429) == 20
    assert len(evaluated) == 10
    other = await attempts(bot, 1, address="203.0.113.67")  # another address: its own budget
    assert other == [403]


async def test_behind_a_trusted_proxy_each_client_has_its_own_budget(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, web={"trusted_proxies": ["10.0.0.1"]})
    spoofing = await attempts(
        bot, 12, address="10.0.0.1", x_forwarded_for="1.2.3.{n}, 198.51.100.7"
    )
    assert spoofing.count(403) == 10 and spoofing.count(429) == 2  # one client: 198.51.100.7
    other = await attempts(bot, 1, address="10.0.0.1", x_forwarded_for="198.51.100.8")
    assert other == [403]


async def test_the_admins_token_opens_a_throttled_address_but_codes_wait(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot)
    code = await admin_code(bot)
    token = await superuser_token(bot)
    assert (await attempts(bot, 15)).count(429) == 5  # the attacker uses up the address
    async with browser(bot) as admin:  # same address
        assert await log_in(admin, token=token + "x") == 429
        assert await log_in(admin, token=token) == 303
        assert (await admin.get("/admin/")).status_code == 200
    async with browser(bot) as dora:
        assert await log_in(dora, code=code) == 429  # not evaluated: the code stays alive
        await bot.advance(timedelta(minutes=2))  # two attempts' worth refilled
        assert await log_in(dora, code=code) == 303


async def test_a_code_dies_after_five_wrong_tries_of_it(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    code = await admin_code(bot)
    wrong = code[:3] + ("22222" if code[3:] != "22222" else "33333")
    for n in range(5):
        async with browser(bot, f"198.51.100.{n}") as attacker:
            assert await log_in(attacker, code=wrong) == 403
    async with browser(bot, "192.0.2.1") as dora:
        assert await log_in(dora, code=code) == 403  # gone

    fresh = await admin_code(bot)
    unrelated = ("Z" if fresh[0] != "Z" else "Y") + fresh[1:]
    for n in range(4):
        async with browser(bot, f"198.51.100.{n}") as attacker:
            assert await log_in(attacker, code=fresh[:3] + wrong[3:]) == 403
            assert await log_in(attacker, code=unrelated) == 403  # another selector: not counted
    async with browser(bot, "192.0.2.1") as dora:
        assert await log_in(dora, code=fresh.lower()) == 303  # four wrong tries: still alive


async def test_group_and_community_keys_with_a_slash_open(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, signin)
    await bot.say("hi", group="abc/def")
    community = await bot.app.identity.create_community("north/east")
    await bot.app.identity.add_group(community, "test:abc/def")
    token = await superuser_token(bot)
    async with browser(bot, "192.0.2.9") as http:
        assert await log_in(http, token=token) == 303
        group_path = "/admin/g/" + quote("test:abc/def", safe="")
        page = await http.get(group_path)
        assert page.status_code == 200 and "test:abc/def" in page.text
        switched = await http.post(
            group_path + "/switch",
            data={"csrf": csrf_of(page.text), "plugin": "signin", "enabled": "0"},
        )
        assert (
            switched.status_code == 303 and switched.headers["location"] == group_path + "#plugins"
        )
        community_page = await http.get("/admin/c/" + quote(community, safe=""))
        assert community_page.status_code == 200 and "north/east" in community_page.text
    assert await bot.say("/signin", group="abc/def") == ""  # switched off there
