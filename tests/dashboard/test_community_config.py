"""A community's shared plugin settings over HTTP: one form for all of its groups, all groups
or none, CSRF, access for admins of every group only, the audit log."""

from __future__ import annotations

import re
from typing import Self
from urllib.parse import quote

from pydantic import BaseModel, model_validator
from sqlalchemy import select

from shequn.internal.dashboard.tables import audit
from shequn.internal.plugin import Plugin
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in, page_csrf, superuser_token


class RangeConfig(BaseModel):
    low: int = 1
    high: int = 10
    label: str = "range"

    @model_validator(mode="after")
    def ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


ranged = Plugin("ranged", config=RangeConfig)
GROUPS = ("test:a", "test:b", "test:c")


def c(key: str) -> str:
    return "/admin/c/" + quote(key, safe="")


async def community_of(bot: Harness, *keys: str) -> str:
    community = await bot.app.identity.create_community("guild")
    for key in keys:
        await bot.say("hi", group=key.split(":")[1])
        await bot.app.identity.add_group(community, key)
    return community


def rendered_form(html: str, plugin: str) -> dict[str, str]:
    """The inputs of a plugin's shared form as the page renders them (what a browser sends)."""
    start = html.index(f'id="shared-config-{plugin}"')
    section = html[start : html.index("</form>", start)]
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', section))


def overrides(bot: Harness) -> dict[str, dict[str, object]]:
    return {key: bot.app.group_settings.overrides(ranged, key) for key in GROUPS}


async def audit_rows(bot: Harness) -> list[tuple[str, str, str]]:
    return await bot.app.db.read(
        lambda conn: [
            (r.target, r.action, r.detail)
            for r in conn.execute(select(audit).where(audit.c.action == "config"))
        ]
    )


async def test_a_changed_field_is_set_in_every_group_and_differing_ones_are_kept(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot, ranged)
    community = await community_of(bot, *GROUPS)
    await bot.app.group_settings.set_many(ranged, "test:b", {"high": 50})
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        page = await http.get(c(community))
        assert page.status_code == 200
        assert 'data-agree="low"' in page.text and 'data-differ="high"' in page.text
        assert "differs (2 values)" in page.text
        assert re.search(r'name="high" value=""', page.text)  # shown empty: kept per group
        form = rendered_form(page.text, "ranged")
        assert form.keys() == {"csrf", "low", "was.low", "high", "was.high", "label", "was.label"}
        assert form["was.high"] == "" and form["was.label"] == "range"
        done = await http.post(c(community) + "/config/ranged", data=form | {"low": "3"})
        assert done.status_code == 303
        assert overrides(bot) == {
            "test:a": {"low": 3},
            "test:b": {"high": 50, "low": 3},
            "test:c": {"low": 3},
        }
        assert bot.app.group_settings.config(ranged, "test:b").model_dump() == {
            "low": 3,
            "high": 50,
            "label": "range",
        }
        page = await http.get(c(community))
        assert 'data-agree="low"' in page.text and 'data-differ="high"' in page.text
        group_page = await http.get("/admin/g/" + quote("test:a", safe=""))
        assert "ranged: low (guild)" in group_page.text
    assert sorted(await audit_rows(bot)) == sorted(
        (target, "config", "ranged: low (guild)") for target in (community, *GROUPS)
    )


async def test_an_empty_agreeing_field_returns_to_the_default_everywhere(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot, ranged)
    community = await community_of(bot, *GROUPS)
    for key in GROUPS:
        await bot.app.group_settings.set_many(ranged, key, {"high": 20})
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        csrf = await page_csrf(http, c(community))
        done = await http.post(
            c(community) + "/config/ranged", data={"csrf": csrf, "high": "", "was.high": "20"}
        )
        assert done.status_code == 303
    assert overrides(bot) == {key: {} for key in GROUPS}


async def test_one_group_refusing_stores_nothing_and_shows_which(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, ranged)
    community = await community_of(bot, *GROUPS)
    await bot.app.group_settings.set_many(ranged, "test:b", {"high": 5})
    before = overrides(bot)
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        csrf = await page_csrf(http, c(community))
        refused = await http.post(
            c(community) + "/config/ranged", data={"csrf": csrf, "low": "7", "was.low": "1"}
        )
        assert refused.status_code == 400
        assert "refused in test:b" in refused.text and "low must not exceed high" in refused.text
        unreadable = await http.post(
            c(community) + "/config/ranged", data={"csrf": csrf, "low": "x" * 20_000}
        )
        assert unreadable.status_code == 400
        assert "longer than" in unreadable.text
    assert overrides(bot) == before == {"test:a": {}, "test:b": {"high": 5}, "test:c": {}}
    assert await audit_rows(bot) == []


async def test_the_form_needs_the_csrf_token_and_a_known_plugin(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, ranged)
    community = await community_of(bot, *GROUPS)
    async with client(bot) as http:
        await log_in(http, token=await superuser_token(bot))
        url = c(community) + "/config/ranged"
        assert (await http.post(url, data={"low": "3"})).status_code == 403
        assert (await http.post(url, data={"csrf": "forged", "low": "3"})).status_code == 403
        csrf = await page_csrf(http, c(community))
        missing = await http.post(c(community) + "/config/nothing", data={"csrf": csrf})
        assert missing.status_code == 400
        unknown = await http.post(c("community:none") + "/config/ranged", data={"csrf": csrf})
        assert unknown.status_code == 404
    assert overrides(bot) == {key: {} for key in GROUPS}
    assert await audit_rows(bot) == []


async def admin_login(bot: Harness, user: str, group: str) -> str:
    bot.sent.clear()
    await bot.say("/dashboard", user=user, group=group)
    code = re.search(r"code: ([A-Z0-9]{8})", "\n".join(s.text for s in bot.sent))
    assert code is not None
    return code.group(1)


async def test_only_admins_of_every_group_of_the_community_may_use_it(
    make_bot: MakeBot,
) -> None:
    bot = await dashboard_bot(make_bot, ranged)
    mixed = await community_of(bot, "test:a", "test:b")
    community = await bot.app.identity.create_community("pair")
    for key in ("test:c", "test:d"):
        await bot.say("hi", group=key.split(":")[1])
        await bot.app.identity.add_group(community, key)
    for group in ("a", "c", "d"):
        bot.make_admin("dora", group=group)
    code = await admin_login(bot, "dora", "a")
    async with client(bot) as http:
        assert (await log_in(http, code=code)).status_code == 303
        overview = await http.get("/admin/")
        assert c(community) in overview.text and c(mixed) not in overview.text
        assert (await http.get(c(mixed))).status_code == 403
        csrf = await page_csrf(http, "/admin/g/" + quote("test:a", safe=""))
        forbidden = await http.post(
            c(mixed) + "/config/ranged", data={"csrf": csrf, "low": "3", "was.low": "1"}
        )
        assert forbidden.status_code == 403
        for path in ("/switch", "/broadcast"):
            data = {"csrf": csrf, "plugin": "ranged", "enabled": "0", "text": "hi"}
            assert (await http.post(c(mixed) + path, data=data)).status_code == 403
        assert (await http.get(c(community))).status_code == 200
        allowed = await http.post(
            c(community) + "/config/ranged", data={"csrf": csrf, "low": "2", "was.low": "1"}
        )
        assert allowed.status_code == 303
    assert overrides(bot) == {"test:a": {}, "test:b": {}, "test:c": {"low": 2}}
    assert bot.app.group_settings.overrides(ranged, "test:d") == {"low": 2}
    assert {target for target, _, _ in await audit_rows(bot)} == {community, "test:c", "test:d"}
