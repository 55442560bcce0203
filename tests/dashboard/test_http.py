"""The dashboard over HTTP: logins, access, CSRF, generated forms, sessions, broadcasts."""

from __future__ import annotations

import asyncio
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from plugins.signin import plugin as signin
from shequn.internal.dashboard import broadcast
from shequn.internal.dashboard.state import state_of
from shequn.internal.dashboard.tables import deliveries
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import (
    client,
    csrf_of,
    dashboard_bot,
    log_in,
    page_csrf,
    superuser_token,
)

LOCALES = Path(__file__).resolve().parents[2] / "shequn/internal/dashboard/locales"


def g(key: str) -> str:
    return "/admin/g/" + quote(key, safe="")


async def test_token_login_lists_seen_groups_and_refuses_bad_tokens(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, signin)
    await bot.say("hello", group="alpha")
    await bot.say("hi", group="beta")
    token = await superuser_token(bot)
    async with client(bot) as http:
        assert (await http.get("/admin/")).headers["location"] == "/admin/login"
        refused = await log_in(http, token=token + "x")
        assert refused.status_code == 403
        assert "not valid" in refused.text
        done = await log_in(http, token=token)
        assert done.status_code == 303
        overview = await http.get("/admin/")
        assert overview.status_code == 200
        assert "test:alpha" in overview.text and "test:beta" in overview.text


async def test_expired_token_and_expired_session_need_a_new_login(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, web={"session_hours": 1})
    short = await superuser_token(bot, days=1)
    async with client(bot) as http:
        assert (await log_in(http, token=short)).status_code == 303
        assert (await http.get("/admin/")).status_code == 200
        await bot.advance(timedelta(hours=2))  # the session ends
        assert (await http.get("/admin/")).status_code == 303
        await bot.advance(timedelta(days=1))  # and so does the token
        assert (await log_in(http, token=short)).status_code == 403


async def test_switching_a_plugin_off_silences_its_command_in_that_group(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot, signin)
    assert await bot.say("/signin", group="alpha")
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        csrf = await page_csrf(http, g("test:alpha"))
        no_token = await http.post(
            g("test:alpha") + "/switch", data={"plugin": "signin", "enabled": "0"}
        )
        assert no_token.status_code == 403
        assert await bot.say("/signin", user="bob", group="alpha")  # still on
        done = await http.post(
            g("test:alpha") + "/switch", data={"csrf": csrf, "plugin": "signin", "enabled": "0"}
        )
        assert done.status_code == 303
        page = await http.get(g("test:alpha"))
        assert "signin" in page.text and "Switch on" in page.text
        assert "off" in page.text  # the audit log names the change
    assert await bot.say("/signin", user="carol", group="alpha") == ""
    assert await bot.say("/signin", user="carol", group="beta")  # other groups unchanged


async def test_group_admin_logs_in_with_a_private_code_and_sees_only_their_groups(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot, signin)
    bot.make_admin("dora", group="mine")
    await bot.say("hi", user="eve", group="other")
    assert "admin" in await bot.say("/dashboard", user="eve", group="other")  # refused
    assert not any(s.scene.is_private for s in bot.sent)
    answer = await bot.say("/dashboard", user="dora", group="mine")
    assert "in private" in answer
    private = [s for s in bot.sent if s.scene.is_private]
    assert len(private) == 1 and private[0].scene.id == "private:dora"
    code = re.search(r"code: ([A-Z0-9]{8})", private[0].text)
    assert code is not None
    in_group = "\n".join(s.text for s in bot.sent if s.scene.id == "mine")
    assert "in private" in in_group and code.group(1) not in in_group
    async with client(bot) as http:
        assert (await log_in(http, code=code.group(1).lower())).status_code == 303
        overview = await http.get("/admin/")
        assert "test:mine" in overview.text and "test:other" not in overview.text
        assert (await http.get(g("test:mine"))).status_code == 200
        assert (await http.get(g("test:other"))).status_code == 403
        assert (await http.get(g("test:nowhere"))).status_code == 403
        csrf = await page_csrf(http, g("test:mine"))
        forbidden = await http.post(
            g("test:other") + "/switch", data={"csrf": csrf, "plugin": "signin", "enabled": "0"}
        )
        assert forbidden.status_code == 403
    assert await bot.say("/signin", user="eve", group="other")
    async with client(bot) as again:
        assert (await log_in(again, code=code.group(1))).status_code == 403  # used once


async def test_a_code_redeemed_twice_at_once_opens_one_session(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    bot.make_admin("dora")
    await bot.say("/dashboard", user="dora")
    code = re.search(r"code: ([A-Z0-9]{8})", "\n".join(s.text for s in bot.sent))
    assert code is not None
    async with client(bot) as one, client(bot) as two:
        pages = [await one.get("/admin/login"), await two.get("/admin/login")]
        results = await asyncio.gather(
            *(
                http.post("/admin/login", data={"csrf": csrf_of(p.text), "code": code.group(1)})
                for http, p in zip((one, two), pages, strict=True)
            )
        )
    assert sorted(r.status_code for r in results) == [303, 403]


async def test_config_form_is_validated_by_the_plugin_model(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, signin)
    await bot.say("hi", group="alpha")
    config = bot.app.group_settings.config(signin, "test:alpha")
    field = next(name for name, info in type(config).model_fields.items() if info.annotation is int)
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        csrf = await page_csrf(http, g("test:alpha"))
        url = g("test:alpha") + "/config/signin"
        bad = await http.post(url, data={"csrf": csrf, field: "many"})
        assert bad.status_code == 400
        assert "valid integer" in bad.text
        assert bot.app.group_settings.overrides(signin, "test:alpha") == {}
        assert (await http.post(url, data={field: "7"})).status_code == 403  # no CSRF token
        good = await http.post(url, data={"csrf": csrf, field: "7"})
        assert good.status_code == 303
        assert bot.app.group_settings.overrides(signin, "test:alpha") == {field: 7}
        reset = await http.post(url, data={"csrf": csrf, field: ""})
        assert reset.status_code == 303
        assert bot.app.group_settings.overrides(signin, "test:alpha") == {}


async def test_community_broadcast_reaches_each_group_once_with_status(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot)
    community = await bot.app.identity.create_community("guild")
    for name in ("a", "b", "c"):
        await bot.say("hi", group=name)
        await bot.app.identity.add_group(community, f"test:{name}")
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        url = "/admin/c/" + quote(community, safe="")
        csrf = await page_csrf(http, url)
        assert (await http.post(url + "/broadcast", data={"text": "x"})).status_code == 403
        done = await http.post(url + "/broadcast", data={"csrf": csrf, "text": "Meetup at 8pm"})
        assert done.status_code == 303
        await asyncio.gather(*state_of(bot.app).tasks)
        page = await http.get(url)
        assert page.text.count('data-status="sent"') == 3
    announced = [s.scene.id for s in bot.sent if s.text == "Meetup at 8pm"]
    assert sorted(announced) == ["a", "b", "c"]


async def test_two_runners_of_one_broadcast_send_to_each_group_once(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    keys = [f"test:g{i}" for i in range(6)]
    broadcast_id = await broadcast.create(bot.app, "community:x", keys, "hello all", "tester")
    await asyncio.gather(*(broadcast.run(bot.app, broadcast_id, {}, 0) for _ in range(3)))
    assert sorted(s.scene.id for s in bot.sent if s.text == "hello all") == [
        f"g{i}" for i in range(6)
    ]
    statuses = await bot.app.db.read(
        lambda conn: [r.status for r in conn.execute(select(deliveries))]
    )
    assert statuses == ["sent"] * 6


async def test_community_pages_need_admin_rights_in_every_group(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    community = await bot.app.identity.create_community("guild")
    bot.make_admin("dora")
    await bot.app.identity.add_group(community, "test:group")
    await bot.app.identity.add_group(community, "test:elsewhere")
    await bot.say("/dashboard", user="dora")
    code = re.search(r"code: ([A-Z0-9]{8})", "\n".join(s.text for s in bot.sent))
    assert code is not None
    async with client(bot) as http:
        await log_in(http, code=code.group(1))
        refused = await http.get("/admin/c/" + quote(community, safe=""))
        assert refused.status_code == 403
        assert "every group of this community" in refused.text


def test_locales_have_the_same_keys() -> None:
    files = {p.stem: tomllib.loads(p.read_text("utf-8")) for p in LOCALES.glob("*.toml")}
    assert set(files) == {"en", "zh-CN"}
    assert set(files["en"]) == set(files["zh-CN"])


async def test_group_page_shows_health_from_analytics(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    for i in range(30):
        await bot.say(f"message {i}", user=f"m{i % 5}", group="alpha")
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        overview = await http.get("/admin/")
        assert "Messages: 30" in overview.text
        page = await http.get(g("test:alpha"))
    assert re.search(r'data-stage="[a-z_]+"', page.text)
    assert re.search(r'data-kind="[a-z_]+"', page.text)
    assert page.text.count("<svg") == 3
    assert "Active members and messages per day" in page.text


async def test_community_page_shows_the_health_of_its_groups_together(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot)
    community = await bot.app.identity.create_community("guild")
    for name in ("a", "b"):
        for i in range(6):
            await bot.say(f"m{i}", user=f"u{i}", group=name)
        await bot.app.identity.add_group(community, f"test:{name}")
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        page = await http.get("/admin/c/" + quote(community, safe=""))
    assert re.search(r'data-stage="[a-z_]+"', page.text)
    assert re.search(r"Messages:\s*<strong>12</strong>", page.text)
