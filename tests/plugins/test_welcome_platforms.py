"""Welcome at its defaults, with every built-in plugin on, on platforms with and without
buttons, mute and deletion: every newcomer can pass verification and accept the rules, a
number answers only its sender's own prompt, and the deadline says nothing about a member
an admin already removed or let in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from plugins.welcome import captcha
from plugins.welcome.models import Acceptance, Newcomer
from shequn import Capabilities, MemberMuted, Plugin
from shequn.internal.loader import discover
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
RULES = "Be kind. No ads."
_newcomer = Newcomer.__table__  # type: ignore[attr-defined]
_acceptance = Acceptance.__table__  # type: ignore[attr-defined]

PLATFORMS = {
    # Telegram, Discord: buttons a muted member can still press.
    "native buttons": Capabilities(buttons=True, delete=True, kick=True, mute=True),
    "buttons, no mute": Capabilities(buttons=True, delete=True, kick=True),
    # QQ: numbered replies, mute and deletion.
    "numbers and mute": Capabilities(delete=True, kick=True, mute=True),
    # WeChat bridges: numbered replies, deletion, no mute.
    "numbers, no mute": Capabilities(delete=True, kick=True),
    # A platform that can neither mute nor delete.
    "numbers only": Capabilities(kick=True),
}
LOCALES = ["en", "zh-CN"]
WELCOMED = {"en": "👋 Welcome @{name}", "zh-CN": "👋 欢迎 @{name}"}
ACCEPTED = {"en": "Thank you, {name}", "zh-CN": "谢谢 {name}"}


def builtin_plugins() -> list[Plugin]:
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 20
    return plugins


async def real_group(make_bot: MakeBot, capabilities: Capabilities, locale: str) -> Harness:
    """Every plugin at its defaults, welcome switched on, the group's rules written."""
    bot = await make_bot(
        *builtin_plugins(), start=START, capabilities=capabilities, enforce_mutes=True
    )
    bot.make_admin("admin")
    await bot.app.group_settings.set_enabled(bot.app.plugins["welcome"], "test:group", True)
    await bot.say(f"/config core locale {locale}", user="admin")
    await bot.say(f"/config welcome rules {RULES}", user="admin")
    return bot


async def status_of(bot: Harness, user: str) -> str:
    def read(conn: Connection) -> str:
        row = conn.execute(
            select(_newcomer.c.status).where(_newcomer.c.account == f"test:{user}")
        ).one()
        return str(row.status)

    return await bot.app.db.read(read)


async def accepted(bot: Harness, user: str) -> bool:
    person = bot.person(user)

    def read(conn: Connection) -> bool:
        query = select(_acceptance.c.person).where(_acceptance.c.person == person)
        return conn.execute(query).first() is not None

    return await bot.app.db.read(read)


def deleted(bot: Harness) -> set[str]:
    return {target for action, _, target in bot.actions if action == "delete"}


async def answer_button(bot: Harness, user: str, data: str) -> str:
    """What a newcomer does with a button: press it where buttons exist, else send its
    number (refused by the platform while the sender is muted)."""
    if bot.platform.capabilities.buttons:
        return await bot.press(data, user=user)
    return await bot.say("1", user=user)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("platform", list(PLATFORMS))
async def test_a_newcomer_passes_with_the_defaults(
    make_bot: MakeBot, platform: str, locale: str
) -> None:
    caps = PLATFORMS[platform]
    bot = await real_group(make_bot, caps, locale)
    await bot.join("nina")
    muted = "nina" in bot.platform.group("group").muted_until
    # Muted only where a button answers while muted; never where the answer must be typed.
    assert muted == (caps.buttons and caps.mute)
    # Anything else the newcomer says before answering is held where the bot can delete.
    chat = bot.message("hi all, buy cheap followers", user="nina")
    if not muted:
        await bot.deliver(chat)
        assert (chat.id in deleted(bot)) == caps.delete
    welcome = await answer_button(bot, "nina", "welcome:verify:ok")
    assert WELCOMED[locale].format(name="nina") in welcome
    assert await status_of(bot, "nina") == "passed"
    assert "nina" not in bot.platform.group("group").muted_until
    thanks = await answer_button(bot, "nina", "welcome:rules:accept")
    assert ACCEPTED[locale].format(name="nina") in thanks
    assert await accepted(bot, "nina")
    # Verified, she talks like everyone else: nothing of hers is held any more.
    chat = bot.message("hello everyone", user="nina")
    await bot.deliver(chat)
    assert chat.id not in deleted(bot)
    assert await bot.advance(timedelta(minutes=10)) == ""
    assert "nina" in bot.platform.group("group").members


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("platform", ["numbers and mute", "numbers, no mute", "numbers only"])
async def test_a_number_answers_its_senders_own_prompt(
    make_bot: MakeBot, platform: str, locale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await real_group(make_bot, PLATFORMS[platform], locale)
    # alice's prompt, then dave's: dave's "1" is his own button, alice's stays hers.
    await bot.join("alice")
    await bot.join("dave")
    assert WELCOMED[locale].format(name="dave") in await bot.say("1", user="dave")
    assert await status_of(bot, "alice") == "pending"
    assert not await accepted(bot, "dave")
    assert WELCOMED[locale].format(name="alice") in await bot.say("1", user="alice")
    # alice was asked to accept the rules (reply 1); erin's sum happens to be 1.
    await bot.say("/config welcome verify arithmetic", user="admin")
    monkeypatch.setattr(captcha, "make", lambda kind: captcha.Challenge(kind, "1", "10 − 9"))
    assert "10 − 9" in await bot.join("erin")
    assert WELCOMED[locale].format(name="erin") in await bot.say("1", user="erin")
    assert await status_of(bot, "erin") == "passed"
    assert not await accepted(bot, "erin") and not await accepted(bot, "alice")
    # alice's "1" still accepts her own rules; erin's next "1" accepts erin's.
    assert ACCEPTED[locale].format(name="alice") in await bot.say("1", user="alice")
    assert await accepted(bot, "alice") and not await accepted(bot, "erin")
    assert ACCEPTED[locale].format(name="erin") in await bot.say("1", user="erin")


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_deadline_is_silent_after_an_admin_removed_the_newcomer(
    make_bot: MakeBot, locale: str
) -> None:
    bot = await real_group(make_bot, PLATFORMS["numbers and mute"], locale)
    await bot.join("mallory")
    # An admin removes mallory by hand; the platform reports the departure.
    kicked = replace(bot.platform.leave_event("mallory", "group"), kicked=True)
    assert await bot.deliver(kicked) == []
    assert await bot.advance(timedelta(minutes=10)) == ""
    assert await status_of(bot, "mallory") == "failed"
    assert not [a for a in bot.actions if a[0] == "kick"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_deadline_is_silent_after_an_admin_let_the_newcomer_in(
    make_bot: MakeBot, locale: str
) -> None:
    bot = await real_group(make_bot, PLATFORMS["native buttons"], locale)
    await bot.join("dave")
    assert "dave" in bot.platform.group("group").muted_until
    # The admin lifts dave's mute on the platform, which reports it.
    bot.platform.group("group").muted_until.pop("dave")
    admin = bot.platform.user("admin")
    lifted = MemberMuted(
        id="unmute-1",
        platform="test",
        scene=bot.platform.group("group").scene,
        user=bot.platform.user("dave"),
        time=bot.clock.now(),
        self_id="bot",
        seconds=0,
        operator=admin,
    )
    assert WELCOMED[locale].format(name="dave") in "\n".join(await bot.deliver(lifted))
    assert await status_of(bot, "dave") == "passed"
    assert await bot.advance(timedelta(minutes=10)) == ""
    assert "dave" in bot.platform.group("group").members
    assert not [a for a in bot.actions if a[0] == "kick"]
