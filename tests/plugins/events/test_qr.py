"""The check-in screen: only through the signed link an organiser gets in private; it shows
the code the check-in command accepts, as text and as a QR code of the check-in message;
wrong, tampered and expired links get 404/403 and no data."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import segno

from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

from .common import CREATE, START, group_texts, new_bot, private_to

BASE = "https://bot.example.org"


async def get(bot: Harness, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=bot.app.web.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        return await client.get(path)


async def qr_link(bot: Harness, base: str = "http://127.0.0.1:8080") -> str:
    before = len(bot.sent)
    assert (await bot.say("/event qr 1", user="admin")).endswith(
        "admin, I sent it to you in private."
    )
    [message] = private_to(bot, "admin", before)
    url = message.rsplit(": ", 1)[1]
    assert url.startswith(f"{base}/events/1/qr/")
    assert url not in group_texts(bot)
    return url.removeprefix(base)


async def test_the_screen_shows_the_code_the_check_in_command_accepts(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, events={"public_url": BASE + "/"})
    await bot.say(CREATE, user="admin")
    await bot.say("/event join 1", user="alice")
    assert (
        await bot.say("/event qr 1", user="alice") == "Only the organisers of event #1 may do this."
    )
    path = await qr_link(bot, BASE)
    await bot.advance(timedelta(hours=8, minutes=50, seconds=15))  # 18:50:15
    before = bot.clock.now().timestamp()
    page = await get(bot, path)
    after = bot.clock.now().timestamp()
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    refresh = re.search(r'<meta http-equiv="refresh" content="(\d+)">', page.text)
    assert refresh is not None  # reloads just after 18:51 (the clock runs on meanwhile)
    assert 61 - int(after % 60) <= int(refresh.group(1)) <= 61 - int(before % 60) <= 46
    found = re.search(r'<div class="code" id="code">(\d{6})</div>', page.text)
    assert found is not None and "#1 Book club" in page.text
    code = found.group(1)
    message = f"/event checkin 1 {code}"
    assert f'<code id="text">{message}</code>' in page.text
    assert segno.make_qr(message, error="m").svg_inline(scale=10, border=4) in page.text
    assert "+10 points" in await bot.say(message, user="alice", group=None)
    await bot.advance(timedelta(minutes=1))
    later = await get(bot, path)
    assert later.status_code == 200 and code not in later.text  # a new minute, a new code


async def test_wrong_tampered_and_expired_links_show_nothing(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    path = await qr_link(bot)
    assert path.startswith("/events/1/qr/")
    expires, _, signature = path.rsplit("/", 1)[1].partition("-")
    forged = f"{int(expires) + 86_400}-{signature}"
    other = "0" * 32 if signature != "0" * 32 else "1" * 32
    for wrong in (
        f"/events/1/qr/{expires}-{other}",
        f"/events/1/qr/{forged}",
        f"/events/1/qr/{expires}",
        f"/events/2/qr/{expires}-{signature}",
        f"/events/x1/qr/{expires}-{signature}",
        f"/events/1/qr/{expires}-{signature}%E2%80%8B",
        "/events/1/qr/" + "9" * 90 + "-" + signature,
    ):
        response = await get(bot, wrong)
        assert response.status_code == 404, wrong
        assert "Book club" not in response.text and "svg" not in response.text
    assert (await get(bot, path)).status_code == 200
    await bot.advance(timedelta(hours=12))  # check-in closed at 22:00
    expired = await get(bot, path)
    assert expired.status_code == 403
    assert "Book club" not in expired.text and "svg" not in expired.text
    assert "not open" in await bot.say("/event qr 1", user="admin")


async def test_the_link_expires_when_check_in_ends(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say(CREATE, user="admin")
    path = await qr_link(bot)
    expires = int(path.rsplit("/", 1)[1].split("-")[0])
    assert expires == START.timestamp() + 12 * 3600  # 19:00 + checkin_hours (3)
    bot.clock.advance(timedelta(hours=11, minutes=59))  # still open (the close job not run)
    assert (await get(bot, path)).status_code == 200
    bot.clock.advance(timedelta(minutes=1))  # the link's own expiry, even before the job runs
    assert (await get(bot, path)).status_code == 403


async def test_the_screen_can_be_switched_off(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, events={"qr_page": False})
    await bot.say(CREATE, user="admin")
    assert "switched off" in await bot.say("/event qr 1", user="admin")
    assert (await get(bot, "/events/1/qr/1-2")).status_code == 404
