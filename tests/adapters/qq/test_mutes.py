"""QQ's ``group_ban`` notices reach plugins as ``MemberMuted``: once however many of the bot's
accounts report them, an unmute as 0 seconds, a whole-group mute as no member event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import nonebot.adapters.onebot.v11 as v11
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.qq import builder
from shequn import Context, MemberMuted, Plugin
from shequn.internal.nonebot_host import tolerant
from tests.adapters.qq.conftest import TOKEN, Running, running_bot
from tests.adapters.qq.fake import text_of, v11_notice
from tests.fuzz.strategies import FUZZ, maybe, odd_text

BOT, OTHER = "10001", "10002"
GROUP = 555

watcher = Plugin("mutewatch", title="Mute watch")


@watcher.on(MemberMuted)
async def report(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MemberMuted)
    by = event.operator.key if event.operator else "nobody"
    await ctx.reply(f"{event.user.key} muted {event.seconds}s by {by}")


@pytest.fixture
async def qq(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "qq", {"access_token": TOKEN}, [watcher]) as running:
        yield running


def ban(sub_type: str, user_id: int, duration: int, at: int = 1_714_521_600) -> dict[str, object]:
    notice = v11_notice(BOT, "group_ban", sub_type, group_id=GROUP, user_id=user_id, operator_id=42)
    return {**notice, "duration": duration, "time": at}


async def test_mute_and_unmute_reach_plugins_once(qq: Running) -> None:
    first = await qq.client(BOT)
    second = await qq.client(OTHER)
    await first.send(ban("ban", 77, 600))
    await second.send({**ban("ban", 77, 600), "self_id": int(OTHER)})  # the same notice again
    [sent] = await first.wait_for("send_group_msg")
    assert text_of(sent) == "qq:77 muted 600s by qq:42"
    await first.send(ban("lift_ban", 77, 0, at=1_714_521_700))
    sent = (await first.wait_for("send_group_msg", 2))[1]
    assert text_of(sent) == "qq:77 muted 0s by qq:42"
    await asyncio.sleep(0.3)
    assert len(first.named("send_group_msg")) + len(second.named("send_group_msg")) == 2


async def test_whole_group_mute_is_no_member_event(qq: Running) -> None:
    fake = await qq.client(BOT)
    await fake.send(ban("ban", 0, 0))  # QQ's 全员禁言: user_id 0
    await fake.send(ban("ban", 78, 60))
    [sent] = await fake.wait_for("send_group_msg")
    assert text_of(sent) == "qq:78 muted 60s by qq:42"


numbers = st.one_of(st.integers(min_value=-(2**63), max_value=2**63), odd_text)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"post_type": st.just("notice"), "notice_type": st.just("group_ban")},
        optional={
            "time": maybe(numbers),
            "self_id": maybe(numbers),
            "sub_type": maybe(st.one_of(st.sampled_from(["ban", "lift_ban"]), odd_text)),
            "group_id": maybe(numbers),
            "user_id": maybe(numbers),
            "operator_id": maybe(numbers),
            "duration": maybe(numbers),
        },
    )
)
def test_any_group_ban_payload_never_raises(payload: dict[str, object]) -> None:
    parsed = tolerant(v11.Adapter).json_to_event(payload)
    if isinstance(parsed, v11.GroupBanNoticeEvent):
        muted = builder.member_muted(parsed, "10000")
        assert muted is None or (muted.seconds >= 0 and muted.scene.key.startswith("qq:"))
