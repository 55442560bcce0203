"""QQ as members really use it: faces before commands, quotes fetched in either form, long
lists folded into a merged forward. A fake OneBot v11 implementation over a real WebSocket.

Segment shapes follow the OneBot v11 message segment spec (``face`` with ``id``, ``image``
with ``file`` and ``url``, ``reply`` with ``id``); the ``image`` fields ``summary`` and
``sub_type`` are NapCat's additions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from plugins.points import plugin as points_plugin
from plugins.quotes import plugin as quotes_plugin
from tests.adapters.qq.conftest import TOKEN, Running, running_bot
from tests.adapters.qq.fake import text_of, v11_group_message

BOT = "10001"
GROUP = 555

FACE = {"type": "face", "data": {"id": "14"}}
IMAGE = {
    "type": "image",
    "data": {
        "file": "9F2A1C1B0E5D4B3A.jpg",
        "url": "https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=x",
        "summary": "",
        "sub_type": 0,
    },
}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "data": {"text": value}}


@pytest.mark.parametrize(
    "segments",
    [
        [FACE, text(" 签到")],
        [FACE, text("/signin")],
        [FACE, FACE, text("  签到")],
        [IMAGE, text("签到")],
        [IMAGE, text("\n/signin")],
        [text("😀 /signin")],
        [FACE, text("[微笑]签到")],
    ],
    ids=[
        "face-keyword",
        "face-command",
        "faces",
        "image-keyword",
        "image-command",
        "emoji",
        "text-face",
    ],
)
async def test_leading_faces_and_images_never_hide_a_command(
    qq: Running, segments: list[dict[str, Any]]
) -> None:
    fake = await qq.client(BOT)
    await fake.send(v11_group_message(BOT, GROUP, 42, segments, message_id=1, name="Ann"))
    [sent] = await fake.wait_for("send_group_msg")
    assert "Ann signed in" in text_of(sent)


async def test_a_face_alone_or_inside_a_sentence_is_chat(qq: Running) -> None:
    fake = await qq.client(BOT)
    await fake.send(v11_group_message(BOT, GROUP, 42, [FACE], message_id=1))
    await fake.send(v11_group_message(BOT, GROUP, 42, [FACE, text(" 我今天不签到")], message_id=2))
    await asyncio.sleep(0.5)
    assert fake.named("send_group_msg") == []


# -- /quote: get_msg answers in array and string form ---------------------------------------

# NapCat's get_msg answer (its API reference, "获取消息详情"): ``message`` is an array of
# segments, with ``message_format: "array"``. Lagrange answers the same way by default.
ARRAY_ANSWER = {
    "self_id": int(BOT),
    "user_id": 42,
    "time": 1729679125,
    "message_id": 966671988,
    "real_id": 966671988,
    "message_seq": 966671988,
    "message_type": "group",
    "sender": {"user_id": 42, "nickname": "Ann", "card": "", "role": "member", "title": ""},
    "raw_message": "早睡早起身体好[CQ:face,id=14]",
    "font": 14,
    "sub_type": "normal",
    "message": [text("早睡早起身体好"), FACE],
    "message_format": "array",
    "post_type": "message",
    "group_id": GROUP,
}
# The OneBot v11 spec's get_msg answer (api/public.md): time, message_type, message_id,
# real_id, sender, message; an implementation posting in string format sends CQ codes.
STRING_ANSWER = {
    "time": 1729679125,
    "message_type": "group",
    "message_id": 966671988,
    "real_id": 966671988,
    "sender": {"user_id": 42, "nickname": "Ann", "card": ""},
    "message": "早睡早起身体好[CQ:face,id=14]",
}


@pytest.fixture
async def qq_quotes(tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, "qq", {"access_token": TOKEN}, [quotes_plugin]) as running:
        yield running


REPLY = {"type": "reply", "data": {"id": "966671988"}}


@pytest.mark.parametrize("answer", [ARRAY_ANSWER, STRING_ANSWER], ids=["array", "string"])
@pytest.mark.parametrize(
    "reply",
    [
        [REPLY, text("/quote")],
        # As a QQ client composes a reply: a mention of the quoted author comes first.
        [REPLY, {"type": "at", "data": {"qq": "42"}}, text(" /quote")],
    ],
    ids=["reply", "reply-at"],
)
async def test_quote_archives_the_fetched_message(
    qq_quotes: Running, answer: dict[str, Any], reply: list[dict[str, Any]]
) -> None:
    fake = await qq_quotes.client(BOT)
    fake.responders["get_msg"] = lambda params: answer
    await fake.send(v11_group_message(BOT, GROUP, 43, reply, message_id=2, name="Bo"))
    [sent] = await fake.wait_for("send_group_msg")
    assert "Archived as quote #1" in text_of(sent)
    [asked] = fake.named("get_msg")
    assert asked.params == {"message_id": 966671988}
    await fake.send(v11_group_message(BOT, GROUP, 43, "/quote show 1", message_id=3, name="Bo"))
    shown = (await fake.wait_for("send_group_msg", 2))[1]
    assert "早睡早起身体好" in text_of(shown)


# -- long lists as a merged forward ----------------------------------------------------------

MEMBERS = 24


async def _leaderboard(running: Running) -> Any:
    """A group of MEMBERS members who all signed in, with /rank listing every one."""
    fake = await running.client(BOT)
    await running.app.group_settings.set_value(
        points_plugin, f"qq:{GROUP}", "leaderboard_size", str(MEMBERS)
    )
    for n in range(MEMBERS):
        await fake.send(
            v11_group_message(BOT, GROUP, 100 + n, "/signin", message_id=n + 1, name=f"m{n}")
        )
    await fake.wait_for("send_group_msg", MEMBERS)
    return fake


def _forwarded_text(params: dict[str, Any]) -> str:
    nodes = params["messages"]
    assert all(node["type"] == "node" for node in nodes)
    return "\n".join(
        "".join(s["data"]["text"] for s in node["data"]["content"] if s["type"] == "text")
        for node in nodes
    )


async def test_a_long_leaderboard_goes_as_a_merged_forward(qq: Running) -> None:
    fake = await _leaderboard(qq)
    await fake.send(v11_group_message(BOT, GROUP, 100, "/rank", message_id=900, name="m0"))
    [forward] = await fake.wait_for("send_group_forward_msg")
    assert forward.params["group_id"] == GROUP
    nodes = forward.params["messages"]
    assert len(nodes) >= 2  # folded into several messages of at most 20 lines
    assert {n["data"]["uin"] for n in nodes} == {BOT}
    board = _forwarded_text(forward.params)
    assert board.count("\n") + 1 == MEMBERS + 1  # a header and one line per member
    assert all(f"m{n}" in board for n in range(MEMBERS))
    assert len(fake.named("send_group_msg")) == MEMBERS  # only the sign-in answers
    # Short answers stay ordinary messages.
    await fake.send(v11_group_message(BOT, GROUP, 100, "/signin", message_id=901, name="m0"))
    await fake.wait_for("send_group_msg", MEMBERS + 1)
    assert len(fake.named("send_group_forward_msg")) == 1


async def test_without_merged_forward_the_same_text_arrives_plain(qq: Running) -> None:
    fake = await _leaderboard(qq)
    await fake.send(v11_group_message(BOT, GROUP, 100, "/rank", message_id=900, name="m0"))
    [forward] = await fake.wait_for("send_group_forward_msg")
    folded = _forwarded_text(forward.params)
    # An implementation without the action answers retcode 1404 (API not found).
    fake.unsupported.add("send_group_forward_msg")
    await fake.send(v11_group_message(BOT, GROUP, 100, "/rank", message_id=901, name="m0"))
    plain = (await fake.wait_for("send_group_msg", MEMBERS + 1))[-1]
    assert text_of(plain) == folded
    assert len(fake.named("send_group_forward_msg")) == 2
    # Not asked again: the next long list goes plain at once.
    await fake.send(v11_group_message(BOT, GROUP, 100, "/rank", message_id=902, name="m0"))
    again = (await fake.wait_for("send_group_msg", MEMBERS + 2))[-1]
    assert text_of(again) == folded
    assert len(fake.named("send_group_forward_msg")) == 2


async def test_a_refused_forward_falls_back_and_is_tried_again(qq: Running) -> None:
    fake = await _leaderboard(qq)
    fake.failing.add("send_group_forward_msg")  # refused this time (e.g. risk control)
    await fake.send(v11_group_message(BOT, GROUP, 100, "/rank", message_id=900, name="m0"))
    plain = (await fake.wait_for("send_group_msg", MEMBERS + 1))[-1]
    assert "m0" in text_of(plain) and text_of(plain).count("\n") == MEMBERS
    fake.failing.clear()
    await fake.send(v11_group_message(BOT, GROUP, 100, "/rank", message_id=901, name="m0"))
    await fake.wait_for("send_group_forward_msg", 2)
