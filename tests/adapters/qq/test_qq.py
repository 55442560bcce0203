"""The QQ adapter end to end: a fake OneBot v11 implementation over a real WebSocket."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
import websockets
from websockets.asyncio.server import ServerConnection

from adapters.qq.adapter import QQAdapter
from adapters.qq.builder import group_scene
from shequn import Level
from tests.adapters.qq.conftest import TOKEN, Running, running_bot, wait_until
from tests.adapters.qq.fake import (
    text_of,
    v11_group_message,
    v11_group_request,
    v11_notice,
)

BOT = "10001"
GROUP = 555


async def test_signin_answered_in_the_group(qq: Running) -> None:
    fake = await qq.client(BOT)
    await fake.send(v11_group_message(BOT, GROUP, 42, "/signin", message_id=1, name="Ann"))
    [sent] = await fake.wait_for("send_group_msg")
    assert sent.params["group_id"] == GROUP
    assert "Ann signed in" in text_of(sent)
    await fake.send(v11_group_message(BOT, GROUP, 43, "签到", message_id=2, name="Bo"))
    sent = (await fake.wait_for("send_group_msg", 2))[1]
    assert "Bo signed in" in text_of(sent)
    assert await qq.balance("qq", "42", str(GROUP)) > 0


async def test_redelivered_message_answered_once(qq: Running) -> None:
    fake = await qq.client(BOT)
    frame = v11_group_message(BOT, GROUP, 42, "/signin", message_id=7)
    await fake.send(frame)
    await fake.send(frame)
    await fake.wait_for("send_group_msg")
    await asyncio.sleep(0.3)
    assert len(fake.named("send_group_msg")) == 1


async def test_markup_in_text_is_never_interpreted(qq: Running) -> None:
    fake = await qq.client(BOT)
    await fake.send(
        v11_group_message(BOT, GROUP, 42, "/signin", message_id=1, name="[CQ:at,qq=all]")
    )
    [sent] = await fake.wait_for("send_group_msg")
    segments = sent.params["message"]
    assert all(s["type"] == "text" for s in segments)
    assert "[CQ:at,qq=all]" in text_of(sent)


async def test_inviter_credited_from_operator_id(qq: Running) -> None:
    fake = await qq.client(BOT)
    await fake.send(
        v11_notice(BOT, "group_increase", "invite", group_id=GROUP, user_id=77, operator_id=42)
    )
    [sent] = await fake.wait_for("send_group_msg")
    assert "invited by 42 (operator_id)" in text_of(sent)
    assert await qq.balance("qq", "42", str(GROUP)) == 5


async def test_join_requests_approved_and_rejected(qq: Running) -> None:
    fake = await qq.client(BOT)
    await fake.send(v11_group_request(BOT, GROUP, 88, "flag-yes", "let me in please"))
    await fake.send(v11_group_request(BOT, GROUP, 89, "flag-no", "let me in"))
    answers = await fake.wait_for("set_group_add_request", 2)
    by_flag = {a.params["flag"]: a.params for a in answers}
    assert by_flag["flag-yes"]["approve"] is True
    assert by_flag["flag-no"]["approve"] is False
    assert by_flag["flag-no"]["reason"] == "say please"


async def test_mute_kick_delete_and_title(qq: Running) -> None:
    fake = await qq.client(BOT)
    fake.responders["get_group_member_info"] = lambda p: {"role": "admin", **p}
    mention = [{"type": "text", "data": {"text": "/boot "}}, {"type": "at", "data": {"qq": "66"}}]
    await fake.send(v11_group_message(BOT, GROUP, 42, mention, message_id=1, role="admin"))
    [kick] = await fake.wait_for("set_group_kick")
    assert kick.params == {"group_id": GROUP, "user_id": 66, "reject_add_request": False}
    mute = [
        {"type": "text", "data": {"text": "/hush "}},
        {"type": "at", "data": {"qq": "66"}},
        {"type": "text", "data": {"text": " 10"}},
    ]
    await fake.send(v11_group_message(BOT, GROUP, 42, mute, message_id=2, role="admin"))
    [ban] = await fake.wait_for("set_group_ban")
    assert ban.params == {"group_id": GROUP, "user_id": 66, "duration": 600}
    await fake.send(v11_group_message(BOT, GROUP, 42, "/unsay 123", message_id=3))
    [delete] = await fake.wait_for("delete_msg")
    assert delete.params == {"message_id": 123}
    crown = [
        {"type": "text", "data": {"text": "/crown "}},
        {"type": "at", "data": {"qq": "66"}},
        {"type": "text", "data": {"text": " 龙王"}},
    ]
    await fake.send(v11_group_message(BOT, GROUP, 42, crown, message_id=4))
    [title] = await fake.wait_for("set_group_special_title")
    assert title.params["special_title"] == "龙王" and title.params["user_id"] == 66


async def test_refused_action_gets_a_clear_answer(qq: Running) -> None:
    fake = await qq.client(BOT)
    fake.failing.add("set_group_kick")
    mention = [{"type": "text", "data": {"text": "/boot "}}, {"type": "at", "data": {"qq": "66"}}]
    await fake.send(v11_group_message(BOT, GROUP, 42, mention, message_id=1))
    [sent] = await fake.wait_for("send_group_msg")
    assert "not supported on QQ" in text_of(sent)


async def test_roles_from_the_platform(qq: Running) -> None:
    fake = await qq.client(BOT)
    fake.responders["get_group_member_info"] = lambda p: {"role": "owner", **p}
    await fake.send(v11_group_message(BOT, GROUP, 42, "/whoami", message_id=1, role=""))
    [sent] = await fake.wait_for("send_group_msg")
    assert text_of(sent) == "level OWNER"
    # The sender's role in the message itself is used (and remembered) without asking.
    await fake.send(v11_group_message(BOT, GROUP, 43, "/whoami", message_id=2, role="admin"))
    sent = (await fake.wait_for("send_group_msg", 2))[1]
    assert text_of(sent) == "level ADMIN"
    assert len(fake.named("get_group_member_info")) == 1
    fake.responders["get_group_member_list"] = lambda p: [
        {"user_id": 1, "nickname": "a", "role": "owner"},
        {"user_id": 2, "card": "b", "role": "member"},
        "junk",
    ]
    assert isinstance(qq.adapter, QQAdapter)
    members = await qq.adapter.members(group_scene(GROUP))
    assert [(u.id, level.name) for u, level in members] == [("1", "OWNER"), ("2", "MEMBER")]
    assert qq.adapter.cached_role(str(GROUP), "1") is Level.OWNER


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_wrong_or_missing_token_refused_at_handshake(qq: Running, token: str | None) -> None:
    from tests.adapters.qq.fake import FakeOneBot

    fake = FakeOneBot(qq.url(), BOT, token)
    with pytest.raises(websockets.exceptions.WebSocketException) as refused:
        await fake.connect()
        assert fake.ws is not None
        await asyncio.wait_for(fake.ws.recv(), 5)  # closed before any event is accepted
    assert BOT not in qq.adapter.bots
    del refused


async def test_malformed_frames_skipped_later_frames_served(
    qq: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await qq.client(BOT)
    with caplog.at_level(logging.WARNING):
        await fake.send("{not json")
        await fake.send("[1, 2, 3]")
        await fake.send({"post_type": "message", "message_type": "group", "time": "soon"})
        await fake.send(
            {
                "post_type": "notice",
                "notice_type": "group_increase",
                "sub_type": "invite",
                "time": 1,
                "self_id": int(BOT),
                "group_id": "x",
                "user_id": None,
                "operator_id": 1,
            }
        )
        await fake.send(v11_group_message(BOT, GROUP, 42, "/signin", message_id=9))
        [sent] = await fake.wait_for("send_group_msg")
    assert "signed in" in text_of(sent)
    assert "malformed frame" in caplog.text


async def test_two_accounts_one_answer(qq: Running) -> None:
    low = await qq.client("20002")
    high = await qq.client("30003")
    # Both accounts see the same message (their message ids differ); the lower answers once.
    for fake, message_id in ((high, 501), (low, 901)):
        await fake.send(
            v11_group_message(fake.self_id, GROUP, 42, "/signin", message_id=message_id, at=1000)
        )
    [sent] = await low.wait_for("send_group_msg")
    await asyncio.sleep(0.3)
    assert "signed in" in text_of(sent)
    assert high.named("send_group_msg") == []
    assert len(low.named("send_group_msg")) == 1
    # The speaker leaves: the other account takes over.
    await low.close()
    await wait_until(lambda: "20002" not in qq.adapter.bots)
    await high.send(v11_group_message("30003", GROUP, 43, "/signin", message_id=502))
    [sent] = await high.wait_for("send_group_msg")
    assert "signed in" in text_of(sent)


async def test_token_required_unless_disabled() -> None:
    from pydantic import ValidationError

    from adapters.qq.settings import QQSettings

    with pytest.raises(ValidationError, match="access_token is required"):
        QQSettings()
    assert QQSettings(access_token_required=False).access_token == ""
    with pytest.raises(ValidationError, match="forward mode needs urls"):
        QQSettings(access_token=TOKEN, mode="forward")
    assert QQSettings(access_token=TOKEN, mode="forward", urls="ws://x").urls == ["ws://x"]


async def test_forward_mode_connects_with_the_token(tmp_path: Path) -> None:
    """Shequn dials the implementation's WebSocket server and presents the token."""
    seen: list[str | None] = []
    answered: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()

    async def implementation(ws: ServerConnection) -> None:
        seen.append(ws.request.headers.get("Authorization") if ws.request else None)
        await ws.send(
            json.dumps(
                {
                    "time": 1,
                    "self_id": int(BOT),
                    "post_type": "meta_event",
                    "meta_event_type": "lifecycle",
                    "sub_type": "connect",
                }
            )
        )
        await ws.send(json.dumps(v11_group_message(BOT, GROUP, 42, "/signin", message_id=3)))
        async for raw in ws:
            frame = json.loads(raw)
            if frame["action"] == "send_group_msg" and not answered.done():
                answered.set_result(frame["params"])
            await ws.send(
                json.dumps(
                    {"status": "ok", "retcode": 0, "data": {"message_id": 1}, "echo": frame["echo"]}
                )
            )

    async with websockets.serve(implementation, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        section = {"access_token": TOKEN, "mode": "forward", "urls": [f"ws://127.0.0.1:{port}"]}
        async with running_bot(tmp_path, "qq", section) as running:
            params = await asyncio.wait_for(answered, 10)
            assert not running.app.web.needed  # no reverse endpoint is served
    assert seen[0] == f"Bearer {TOKEN}"
    assert params["group_id"] == GROUP
