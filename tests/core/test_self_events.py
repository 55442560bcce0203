"""The bot's own account is never a member to plugins: its own join, removal, mute or message
reaches none of them (no welcome, no referral, no analytics count, no moderation), with every
built-in plugin on at its defaults. Over the real wire for QQ and WeChat (a fake OneBot
implementation on a real WebSocket), and on the simulated platform the console uses.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from shequn import App, Plugin
from shequn.internal.loader import discover
from shequn.testing.pytest_plugin import MakeBot
from tests.adapters.qq.conftest import TOKEN, running_bot
from tests.adapters.qq.fake import (
    FakeOneBot,
    text_of,
    v11_group_message,
    v11_notice,
    v12_notice,
)

ROOT = Path(__file__).resolve().parents[2]
BOT = "10001"
GROUP = 555
ALREADY_LOADED = {"points", "signin"}  # by running_bot
SETTLE = 1.5
"""Seconds of quiet after which a plugin has done all it would (QQ paces a group at one
message a second)."""


def builtin_plugins() -> list[Plugin]:
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 20
    return [p for p in plugins if p.name not in ALREADY_LOADED]


async def welcome_on(app: App, group_key: str) -> None:
    """Welcome is off by default; on, it greets (and verifies) every newcomer."""
    await app.group_settings.set_enabled(app.plugins["welcome"], group_key, True)


async def settled(fake: FakeOneBot, *, within: float = 15.0) -> int:
    """The number of actions once none has come for ``SETTLE`` seconds (outbound pacing may
    space a plugin's messages out by a second or more)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    count = len(fake.actions)
    while loop.time() < deadline:
        await asyncio.sleep(SETTLE)
        if len(fake.actions) == count:
            return count
        count = len(fake.actions)
    return count


async def test_qq_bot_own_join_mute_and_removal_reach_no_plugin(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    section = {"access_token": TOKEN}
    async with running_bot(tmp_path, "qq", section, builtin_plugins()) as qq:
        await welcome_on(qq.app, f"qq:{GROUP}")
        fake = await qq.client(BOT)
        # A member invited by 42 is welcomed and counted: the plugins are on.
        await fake.send(
            v11_notice(BOT, "group_increase", "invite", group_id=GROUP, user_id=77, operator_id=42)
        )
        await fake.wait_for("send_group_msg")
        before = await settled(fake)
        assert await qq.app.analytics.flush() > 0
        credited = await qq.balance("qq", "42", str(GROUP))

        with caplog.at_level(logging.INFO, logger="shequn.dispatch"):
            # The bot itself is invited by 42, muted by 42, then removed (kick_me).
            await fake.send(
                v11_notice(
                    BOT,
                    "group_increase",
                    "invite",
                    group_id=GROUP,
                    user_id=int(BOT),
                    operator_id=42,
                )
            )
            await fake.send(
                v11_notice(
                    BOT,
                    "group_ban",
                    "ban",
                    group_id=GROUP,
                    user_id=int(BOT),
                    operator_id=42,
                    duration=600,
                )
            )
            await fake.send(
                v11_notice(
                    BOT,
                    "group_decrease",
                    "kick_me",
                    group_id=GROUP,
                    user_id=int(BOT),
                    operator_id=42,
                )
            )
            assert await settled(fake) == before, fake.actions[
                before:
            ]  # no welcome, verification, kick or mute
        assert await qq.app.analytics.flush() == 0
        assert await qq.balance("qq", "42", str(GROUP)) == credited
        assert await qq.balance("qq", BOT, str(GROUP)) == 0
        assert "the bot's own MemberLeft in qq:555" in caplog.text
        assert "the bot's own MemberMuted" in caplog.text


async def test_qq_another_of_our_accounts_is_the_bot_too(tmp_path: Path) -> None:
    """Two accounts in one group: each sees the other join and speak; neither is a member."""
    async with running_bot(tmp_path, "qq", {"access_token": TOKEN}, builtin_plugins()) as qq:
        await welcome_on(qq.app, f"qq:{GROUP}")
        low = await qq.client("20002")
        high = await qq.client("30003")
        await low.send(
            v11_notice("20002", "group_increase", "approve", group_id=GROUP, user_id=30003)
        )
        await low.send(v11_group_message("20002", GROUP, 30003, "签到", message_id=1))
        await asyncio.sleep(SETTLE)
        assert low.named("send_group_msg") == [] and high.named("send_group_msg") == []
        assert await qq.app.analytics.flush() == 0
        assert await qq.balance("qq", "30003", str(GROUP)) == 0


async def test_wechat_bot_own_join_reaches_no_plugin(tmp_path: Path) -> None:
    async with running_bot(
        tmp_path,
        "wechat",
        {"access_token": TOKEN},
        builtin_plugins(),
    ) as wechat:
        await welcome_on(wechat.app, "wechat:1234@chatroom")
        bridge = await wechat.client("wxid_bot", version=12)
        joined = v12_notice(
            "wxid_bot",
            "group_member_increase",
            event_id="j1",
            sub_type="invite",
            group_id="1234@chatroom",
            user_id="wxid_bot",
            operator_id="wxid_ann",
        )
        await bridge.send(joined)
        await asyncio.sleep(SETTLE)
        assert bridge.named("send_message") == []
        assert await wechat.app.analytics.flush() == 0
        # A member's join in the same group is welcomed.
        joined.update(id="j2", user_id="wxid_bo")
        await bridge.send(joined)
        await bridge.wait_for("send_message")


async def test_simulated_bot_own_join_and_message_reach_no_plugin(make_bot: MakeBot) -> None:
    """The console's world: the bot's account is ``bot``."""
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    h = await make_bot(*plugins)
    await welcome_on(h.app, "test:group")
    assert await h.join("bot", inviter="alice") == ""
    assert await h.say("/signin", user="bot") == ""
    assert await h.leave("bot") == ""
    assert h.actions == []
    assert await h.app.analytics.flush() == 0
    assert await h.balance("alice") == 0
    assert await h.join("carol", inviter="alice") != ""  # a member is still welcomed


async def test_qq_the_bot_is_never_credited_as_an_inviter(tmp_path: Path) -> None:
    """An ``invite`` whose ``operator_id`` is the bot (it approved or pulled someone in):
    the newcomer is a member, but no one is credited with inviting them."""
    async with running_bot(tmp_path, "qq", {"access_token": TOKEN}, builtin_plugins()) as qq:
        await welcome_on(qq.app, f"qq:{GROUP}")
        fake = await qq.client(BOT)
        await fake.send(
            v11_notice(
                BOT, "group_increase", "invite", group_id=GROUP, user_id=78, operator_id=int(BOT)
            )
        )
        await fake.wait_for("send_group_msg")  # the welcome
        await settled(fake)
        assert all("invited by" not in text_of(a) for a in fake.named("send_group_msg"))
        assert await qq.balance("qq", BOT, str(GROUP)) == 0
