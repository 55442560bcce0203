"""Share-link counters cannot be inflated by one client: rotating cookies, browsers or
forwarded headers count one visitor; forwarded headers count only from trusted proxies,
uvicorn's own default trust of 127.0.0.1 included; a community's ``allowed_domains`` keeps
links to other sites out, and otherwise a page names the destination before anyone goes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from plugins.events import plugin as events_plugin
from plugins.sharelinks import plugin as sharelinks_plugin
from shequn.internal.dashboard import dashboard_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot
from shequn.web import address_key, client_address

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
BASE = "https://bot.example.org"


async def new_bot(make_bot: MakeBot, *plugins: Any, **options: Any) -> Harness:
    web = {"port": 0, **options.pop("web", {})}
    return await make_bot(
        sharelinks_plugin,
        *plugins,
        start=START,
        sharelinks={"public_url": BASE},
        web=web,
        **options,
    )


def visitor(bot: Harness, address: str) -> httpx.AsyncClient:
    """A browser at ``address`` (the connection's peer), talking to the app over ASGI."""
    transport = httpx.ASGITransport(app=bot.app.web.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=BASE)


async def share(bot: Harness, url: str = "https://example.com/talk") -> str:
    reply = await bot.say(f"/share {url}", user="alice")
    return reply.rsplit("/s/", 1)[1].strip()


async def stats(bot: Harness) -> str:
    return await bot.say("/share stats", user="alice")


async def test_one_client_rotating_cookies_agents_and_forwarded_headers_counts_once(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    code = await share(bot)
    async with visitor(bot, "203.0.113.7") as http:
        for n in range(150):
            http.cookies.clear()
            if n % 3 == 1:  # a cookie that looks like ours but was never signed by us
                http.cookies.set("shequn_v", f"{secrets.token_hex(16)}.{secrets.token_hex(16)}")
            elif n % 3 == 2:
                http.cookies.set("shequn_v", secrets.token_hex(16))  # the old unsigned form
            headers = {
                "user-agent": f"Browser/{n}",
                "x-forwarded-for": f"198.51.{n // 250}.{n % 250}",
                "forwarded": f"for=192.0.2.{n % 250}",
            }
            assert (await http.get(f"/s/{code}", headers=headers)).status_code == 200
    assert "150 clicks, 1 unique visitors" in await stats(bot)


async def test_two_addresses_count_two_and_a_kept_cookie_counts_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    code = await share(bot)
    async with visitor(bot, "203.0.113.7") as one, visitor(bot, "203.0.113.8") as two:
        await one.get(f"/s/{code}")
        await two.get(f"/s/{code}")
        cookie = one.cookies["shequn_v"]
    assert "2 clicks, 2 unique visitors" in await stats(bot)
    async with visitor(bot, "198.51.100.9") as travelling:  # the first visitor, elsewhere
        travelling.cookies.set("shequn_v", cookie)
        response = await travelling.get(f"/s/{code}")
        assert "shequn_v" not in response.cookies  # a signed cookie is kept, not replaced
    assert "3 clicks, 2 unique visitors" in await stats(bot)


async def test_an_address_counts_once_per_day_per_link(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    first, second = await share(bot), await share(bot, "https://example.com/other")
    for _ in range(2):
        for code in (first, second):  # another link has its own count
            async with visitor(bot, "203.0.113.7") as fresh:  # no cookie each time
                await fresh.get(f"/s/{code}")
    assert "4 clicks, 2 unique visitors" in await stats(bot)
    await bot.advance(timedelta(hours=25))
    async with visitor(bot, "203.0.113.7") as fresh:
        await fresh.get(f"/s/{first}")
    assert "5 clicks, 3 unique visitors" in await stats(bot)


async def test_ipv6_addresses_of_one_network_are_one_client(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    code = await share(bot)
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:2:aaaa::9"):
        async with visitor(bot, host) as http:
            await http.get(f"/s/{code}")
    async with visitor(bot, "2001:db8:1:3::1") as other:  # another /64
        await other.get(f"/s/{code}")
    assert "4 clicks, 2 unique visitors" in await stats(bot)


async def test_a_trusted_proxy_forwards_the_real_clients(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, web={"trusted_proxies": ["10.0.0.0/8"]})
    code = await share(bot)
    async with visitor(bot, "10.1.2.3") as proxy:
        for n in range(20):  # one client behind the proxy, writing its own headers
            proxy.cookies.clear()
            spoofed = f"192.0.2.{n}, 10.9.9.9, 198.51.100.1"  # the proxy appended the last
            await proxy.get(f"/s/{code}", headers={"x-forwarded-for": spoofed})
        assert "20 clicks, 1 unique visitors" in await stats(bot)
        proxy.cookies.clear()
        await proxy.get(f"/s/{code}", headers={"x-forwarded-for": "198.51.100.2"})
        proxy.cookies.clear()
        await proxy.get(f"/s/{code}", headers={"forwarded": 'for="[2001:db8::5]:4711"'})
    assert "22 clicks, 3 unique visitors" in await stats(bot)
    async with visitor(bot, "203.0.113.50") as outsider:  # not a proxy: its header is ignored
        for n in range(5):
            outsider.cookies.clear()
            await outsider.get(f"/s/{code}", headers={"x-forwarded-for": f"198.51.100.{n + 10}"})
    assert "27 clicks, 4 unique visitors" in await stats(bot)


async def test_uvicorn_does_not_believe_forwarded_headers_from_localhost(
    make_bot: MakeBot,
) -> None:
    """uvicorn alone trusts ``X-Forwarded-For`` from 127.0.0.1; over a real socket, with
    ``trusted_proxies`` empty, rotating it from localhost still counts one visitor."""
    bot = await new_bot(make_bot, web={"host": "127.0.0.1"})
    code = await share(bot)
    bot.app.start_web()
    await bot.app.web.started.wait()
    url = f"http://127.0.0.1:{bot.app.web.port}/s/{code}"
    async with httpx.AsyncClient() as http:
        for n in range(5):
            http.cookies.clear()
            response = await http.get(url, headers={"x-forwarded-for": f"198.51.100.{n}"})
            assert response.status_code == 200
    assert "5 clicks, 1 unique visitors" in await stats(bot)


async def test_allowed_domains_refuse_other_sites_and_redirect_to_theirs(
    make_bot: MakeBot,
) -> None:
    defaults = {"sharelinks": {"allowed_domains": ["Example.org"]}}
    bot = await new_bot(make_bot, plugin_defaults=defaults)
    refused = await bot.say("/share https://evil.example.com/x", user="alice")
    assert refused == (
        "Links to evil.example.com cannot be shared here; this community allows: example.org."
    )
    for sneaky in ("https://example.org.evil.com/", "https://example.org@evil.com/"):
        assert "cannot be shared here" in await bot.say(f"/share {sneaky}", user="alice")
    assert "no tracking links" in await stats(bot)
    code = await share(bot, "https://www.example.org/news")
    async with visitor(bot, "203.0.113.7") as http:
        response = await http.get(f"/s/{code}")
    assert response.status_code == 302
    assert response.headers["location"] == "https://www.example.org/news"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_without_allowed_domains_a_page_names_the_destination(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    code = await share(bot, 'https://example.com/a?x=1&y="><script>alert(1)</script>')
    async with visitor(bot, "203.0.113.7") as http:
        response = await http.get(f"/s/{code}")
    assert response.status_code == 200 and "location" not in response.headers
    page = response.text
    target = "https://example.com/a?x=1&amp;y=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    assert f'href="{target}" rel="noreferrer noopener"' in page
    assert "<script>" not in page
    assert "This shared link leads to example.com:" in page
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]

    zh = await new_bot(make_bot, locale="zh-CN")
    code = await share(zh)
    async with visitor(zh, "203.0.113.7") as http:
        page = (await http.get(f"/s/{code}")).text
    assert "这个分享链接指向 example.com：" in page and "继续前往 example.com" in page


async def test_every_page_of_the_web_app_says_nosniff_and_a_referrer_policy(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot, dashboard_plugin, events_plugin, web={"dashboard": True})
    code = await share(bot)
    async with visitor(bot, "203.0.113.7") as http:
        for path in (
            f"/s/{code}",
            "/s/zzzzzzzz",
            "/admin/login",
            "/admin/",
            "/admin/g/test%3Agroup",
            "/events/1/qr/nothing",
            "/no/such/page",
        ):
            response = await http.get(path)
            assert response.headers["x-content-type-options"] == "nosniff", path
            assert response.headers["referrer-policy"] in ("same-origin", "no-referrer"), path


def test_client_address_reads_forwarded_hops_from_the_right() -> None:
    def scope(peer: str, *headers: tuple[str, str]) -> dict[str, Any]:
        encoded = [(k.encode(), v.encode()) for k, v in headers]
        return {"type": "http", "client": (peer, 1), "headers": encoded}

    trusted = ["10.0.0.0/8", "fd00::/8"]
    xff = ("x-forwarded-for", "6.6.6.6, 198.51.100.1:5555, 10.2.2.2")
    assert client_address(scope("10.0.0.1", xff), trusted) == "198.51.100.1"
    assert client_address(scope("10.0.0.1", xff), []) == "10.0.0.1"
    assert client_address(scope("203.0.113.1", xff), trusted) == "203.0.113.1"
    garbled = ("x-forwarded-for", "198.51.100.1, unknown")  # stop at what cannot be read
    assert client_address(scope("10.0.0.1", garbled), trusted) == "10.0.0.1"
    two_lines = (("x-forwarded-for", "198.51.100.1"), ("x-forwarded-for", "198.51.100.2"))
    assert client_address(scope("fd00::1", *two_lines), trusted) == "198.51.100.2"
    assert client_address(scope("::ffff:10.0.0.1", xff), trusted) == "198.51.100.1"
    assert address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_key("203.0.113.9") == "203.0.113.9"
