"""QQ (OneBot v11) and WeChat (OneBot v12) payloads of any shape: parsed the way the
transport parses them, then translated by the adapter's builder, never raising."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import nonebot.adapters.onebot.v11 as v11
import nonebot.adapters.onebot.v12 as v12
from hypothesis import given
from hypothesis import strategies as st

from adapters.qq import builder as qq
from adapters.wechat import builder as wechat
from shequn import Event
from shequn.internal.nonebot_host import tolerant
from tests.fuzz.strategies import FUZZ, json_values, maybe, odd_text

V11 = tolerant(v11.Adapter)
V12 = tolerant(v12.Adapter)
"""The adapters as Shequn registers them with nonebot."""

ids = st.one_of(st.integers(min_value=-(2**63), max_value=2**63), odd_text)


def v11_segment() -> st.SearchStrategy[dict[str, Any]]:
    kinds = st.sampled_from(["text", "at", "reply", "image", "face", "record", "json", "xml"])
    data = st.fixed_dictionaries(
        {},
        optional={
            "text": maybe(odd_text),
            "qq": maybe(st.one_of(ids, st.just("all"), st.just("10000"))),
            "id": maybe(ids),
            "url": maybe(odd_text),
            "file": maybe(odd_text),
            "name": maybe(odd_text),
        },
    )
    return st.fixed_dictionaries({"type": maybe(kinds), "data": maybe(data)})


v11_payload = st.fixed_dictionaries(
    {
        "post_type": st.sampled_from(
            ["message", "notice", "request", "meta_event", "message_sent"]
        ),
        "time": maybe(st.integers(min_value=-(2**40), max_value=2**40)),
        "self_id": maybe(ids),
    },
    optional={
        "message_type": maybe(st.sampled_from(["group", "private"])),
        "notice_type": maybe(st.sampled_from(["group_increase", "group_decrease", "group_ban"])),
        "request_type": maybe(st.just("group")),
        "sub_type": maybe(st.sampled_from(["normal", "approve", "invite", "kick", "add", "leave"])),
        "message_id": maybe(ids),
        "user_id": maybe(ids),
        "group_id": maybe(ids),
        "operator_id": maybe(ids),
        "duration": maybe(st.integers()),
        "flag": maybe(odd_text),
        "comment": maybe(odd_text),
        "font": maybe(st.integers()),
        "raw_message": maybe(odd_text),
        "message": st.one_of(odd_text, st.lists(v11_segment(), max_size=5), json_values),
        "sender": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "user_id": maybe(ids),
                    "nickname": maybe(odd_text),
                    "card": maybe(odd_text),
                    "role": maybe(st.sampled_from(["owner", "admin", "member", "king"])),
                },
            )
        ),
    },
)


def translate_v11(parsed: Any) -> Event | None:
    """The builder call :meth:`adapters.qq.adapter.QQAdapter.on_event` makes for ``parsed``."""
    if isinstance(parsed, v11.MessageEvent):
        qq.fingerprint(parsed)
        return qq.message_event(parsed, "10000")
    if isinstance(parsed, v11.GroupIncreaseNoticeEvent):
        return qq.member_joined(parsed, "10000")
    if isinstance(parsed, v11.GroupDecreaseNoticeEvent):
        return qq.member_left(parsed, "10000")
    if isinstance(parsed, v11.GroupRequestEvent):
        return qq.join_requested(parsed, "10000")
    return None


@FUZZ
@given(st.one_of(v11_payload, json_values))
def test_qq_payloads_never_raise(payload: Any) -> None:
    parsed = V11.json_to_event(payload)
    event = translate_v11(parsed)
    if event is not None:
        assert event.platform == "qq" and event.scene.key.startswith("qq:")


@FUZZ
@given(maybe(ids), json_values)
def test_qq_quoted_messages_never_raise(message_id: Any, data: Any) -> None:
    quoted = qq.quoted(str(message_id), data)
    assert quoted.message_id == str(message_id)


def v12_segment() -> st.SearchStrategy[dict[str, Any]]:
    kinds = st.sampled_from(["text", "mention", "mention_all", "reply", "image", "location"])
    data = st.fixed_dictionaries(
        {},
        optional={
            "text": maybe(odd_text),
            "user_id": maybe(odd_text),
            "message_id": maybe(odd_text),
            "file_id": maybe(odd_text),
        },
    )
    return st.fixed_dictionaries({"type": maybe(kinds), "data": maybe(data)})


v12_payload = st.fixed_dictionaries(
    {
        "id": maybe(odd_text),
        "time": maybe(
            st.one_of(
                st.floats(min_value=-1e12, max_value=1e12),
                st.datetimes().map(lambda d: d.replace(tzinfo=UTC).isoformat()),
            )
        ),
        "type": st.sampled_from(["message", "notice", "request", "meta"]),
        "detail_type": maybe(
            st.sampled_from(["group", "private", "group_member_increase", "group_member_decrease"])
        ),
        "sub_type": maybe(st.sampled_from(["", "invite", "join", "kick", "leave"])),
        "self": maybe(st.fixed_dictionaries({"platform": st.just("wechat"), "user_id": odd_text})),
    },
    optional={
        "message_id": maybe(odd_text),
        "user_id": maybe(odd_text),
        "group_id": maybe(odd_text),
        "operator_id": maybe(odd_text),
        "alt_message": maybe(odd_text),
        "message": st.one_of(st.lists(v12_segment(), max_size=5), json_values),
    },
)


@FUZZ
@given(st.one_of(v12_payload, json_values))
def test_wechat_payloads_never_raise(payload: Any) -> None:
    parsed = V12.json_to_event(payload)
    event: Event | None = None
    if isinstance(parsed, v12.MessageEvent):
        event = wechat.message_event(parsed, "wxid_bot")
    elif isinstance(parsed, v12.GroupMemberIncreaseEvent):
        event = wechat.member_joined(parsed, "wxid_bot")
    elif isinstance(parsed, v12.GroupMemberDecreaseEvent):
        event = wechat.member_left(parsed, "wxid_bot")
    if event is not None:
        assert event.platform == "wechat"
        assert event.time.tzinfo is not None or event.time <= datetime.max
