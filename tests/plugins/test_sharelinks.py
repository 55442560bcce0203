"""Share tracking: personal links, chains by re-sharing, clicks and unique visitors counted
through real HTTP requests to the web app (in process, over ASGI), and the leaderboard."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plugins.sharelinks import plugin as sharelinks_plugin
from plugins.sharelinks.links import clean_url
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
BASE = "https://bot.example.org"


@dataclass
class Browser:
    """A visitor: an address, a browser name and a cookie jar."""

    address: str
    agent: str = "Mozilla/5.0"
    cookies: dict[str, str] = field(default_factory=dict)

    async def get(self, bot: Harness, path: str) -> tuple[int, dict[str, str]]:
        """GET ``path`` from the bot's web app over ASGI; the status and response headers."""
        headers = [(b"host", b"bot.example.org"), (b"user-agent", self.agent.encode())]
        if self.cookies:
            jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers.append((b"cookie", jar.encode()))
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "https",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": (self.address, 50000),
            "server": ("bot.example.org", 443),
        }
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        await bot.app.web.app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        response: dict[str, str] = {}
        for name, value in start["headers"]:
            key, text = name.decode().lower(), value.decode()
            if key == "set-cookie":
                cookie_name, _, rest = text.partition("=")
                self.cookies[cookie_name] = rest.split(";", 1)[0]
            response[key] = text
        return int(start["status"]), response


async def new_bot(make_bot: MakeBot) -> Harness:
    return await make_bot(
        sharelinks_plugin, start=START, sharelinks={"public_url": BASE, "secret": "pepper"}
    )


def code_of(reply: str) -> str:
    return reply.rsplit("/s/", 1)[1].strip()


async def test_a_chain_of_three_members_counts_each_visitor_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    reply = await bot.say("/share https://example.com/talk?id=7", user="alice")
    assert reply.startswith(f"🔗 alice, your tracking link: {BASE}/s/")
    alice = code_of(reply)
    assert await bot.say("/share https://example.com/talk?id=7", user="alice") == reply
    bob_reply = await bot.say(f"/share {BASE}/s/{alice}", user="bob")
    assert "(level 2 of the chain)" in bob_reply
    bob = code_of(bob_reply)
    carol_reply = await bot.say(f"/share {BASE}/s/{bob}", user="carol")
    assert "(level 3 of the chain)" in carol_reply
    carol = code_of(carol_reply)

    reader, other, third = Browser("10.0.0.1"), Browser("10.0.0.2"), Browser("10.0.0.3")
    status, headers = await reader.get(bot, f"/s/{alice}")
    assert status == 200  # no allowed_domains: a page names the destination first
    assert "location" not in headers
    assert "shequn_v" in reader.cookies
    for _ in range(3):  # the same visitor again: clicks grow, visitors do not
        assert (await reader.get(bot, f"/s/{alice}"))[0] == 200
    await Browser("10.0.0.1").get(bot, f"/s/{alice}")  # same address and browser, no cookie
    await other.get(bot, f"/s/{bob}")
    await other.get(bot, f"/s/{bob}")
    await third.get(bot, f"/s/{carol}")
    await reader.get(bot, f"/s/{carol}")

    top = await bot.say("/share top", user="dave")
    assert top.splitlines() == [
        "Top sharers (top 3):",
        "1. alice: 1 visitors, +2 through re-shares, 5 clicks, chain depth 2",  # reader once
        "2. bob: 1 visitors, +2 through re-shares, 2 clicks, chain depth 1",
        "3. carol: 2 visitors, +0 through re-shares, 2 clicks, chain depth 0",
    ]
    assert await bot.say("/share stats", user="bob") == (
        "bob: 1 links, 2 clicks, 1 unique visitors, +2 through re-shares, chain depth 1."
    )


async def test_concurrent_first_visits_count_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    code = code_of(await bot.say("/share https://example.com/", user="alice"))
    await asyncio.gather(*(Browser("10.0.0.9").get(bot, f"/s/{code}") for _ in range(20)))
    assert "alice: 1 links, 20 clicks, 1 unique visitors" in await bot.say(
        "/share stats", user="alice"
    )


async def test_unknown_codes_and_bad_addresses(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    browser = Browser("10.0.0.1")
    assert (await browser.get(bot, "/s/zzzzzzzz"))[0] == 404
    assert (await browser.get(bot, "/s/<script>"))[0] == 404
    for bad in ("", "ftp://x.org/f", "javascript:alert(1)", "https://", "example.com"):
        assert "http(s) address" in await bot.say(f"/share {bad}", user="alice")
    assert "not one of this community's" in await bot.say(f"/share {BASE}/s/zzzzzzzz")
    code = code_of(await bot.say("/share https://example.com/a"))
    assert "your own link" in await bot.say(f"/share {BASE}/s/{code}")
    assert await bot.say("/share top") == "No shared link has been opened yet."
    assert "no tracking links" in await bot.say("/share stats", user="nobody")


def test_clean_url_encodes_unicode_and_refuses_oversized() -> None:
    assert clean_url("https://例子.cn/路径") == "https://%E4%BE%8B%E5%AD%90.cn/%E8%B7%AF%E5%BE%84"
    assert clean_url("https://x.org/" + "a" * 2000) is None
    assert clean_url("https://x.org/\u0000") is None


def test_locales_have_the_same_keys() -> None:
    folder = Path(sharelinks_plugin.directory or ".") / "locales"
    en = tomllib.loads((folder / "en.toml").read_text(encoding="utf-8"))
    zh = tomllib.loads((folder / "zh-CN.toml").read_text(encoding="utf-8"))
    assert en.keys() == zh.keys()
