"""A fake OneBot implementation: a real WebSocket client speaking OneBot v11 or v12.

It connects like NapCat or a WeChat bridge does (reverse WebSocket), sends event frames and
answers every action frame by its ``echo``, recording what it was asked to do.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

Responder = Callable[[dict[str, Any]], Any]


@dataclass
class Action:
    name: str
    params: dict[str, Any]


@dataclass
class FakeOneBot:
    url: str
    self_id: str
    token: str | None = None
    version: int = 11
    responders: dict[str, Responder] = field(default_factory=dict)
    """action -> params -> data; an action without one answers ``None`` (or a message id)."""
    failing: set[str] = field(default_factory=set)
    """Actions answered with a failure (retcode 100), as when the bot lacks the rights."""
    unsupported: set[str] = field(default_factory=set)
    """Actions the implementation lacks, answered as go-cqhttp and NapCat do (retcode 1404)."""
    actions: list[Action] = field(default_factory=list)
    ws: ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def headers(self) -> dict[str, str]:
        headers = {"X-Client-Role": "Universal"}
        if self.version == 11:
            headers["X-Self-ID"] = self.self_id
        else:
            headers["Sec-WebSocket-Protocol"] = "12.fake"
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def connect(self) -> FakeOneBot:
        self.ws = await websockets.connect(self.url, additional_headers=self.headers())
        self._reader = asyncio.create_task(self._read())
        if self.version == 12:
            await self.send(connect_event())
        return self

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def send(self, payload: dict[str, Any] | str) -> None:
        assert self.ws is not None
        await self.ws.send(payload if isinstance(payload, str) else json.dumps(payload))

    async def _read(self) -> None:
        assert self.ws is not None
        async for raw in self.ws:
            frame = json.loads(raw)
            name, params, echo = frame["action"], frame.get("params", {}), frame.get("echo")
            self.actions.append(Action(name, params))
            self._changed.set()
            await self.ws.send(json.dumps(self._answer(name, params, echo)))

    def _answer(self, name: str, params: dict[str, Any], echo: Any) -> dict[str, Any]:
        if name in self.unsupported:
            return {
                "status": "failed",
                "retcode": 1404,
                "data": None,
                "message": "API不存在",
                "wording": "API不存在",
                "echo": echo,
            }
        if name in self.failing:
            return {
                "status": "failed",
                "retcode": 100,
                "data": None,
                "message": "no rights",
                "echo": echo,
            }
        if name in self.responders:
            data = self.responders[name](params)
        elif name in (
            "send_group_msg",
            "send_private_msg",
            "send_msg",
            "send_group_forward_msg",
            "send_private_forward_msg",
        ):
            data = {"message_id": next(self._ids)}
        elif name == "send_message":
            data = {"message_id": str(next(self._ids)), "time": time.time()}
        elif name == "get_group_list":
            data = []
        else:
            data = None
        return {"status": "ok", "retcode": 0, "data": data, "message": "", "echo": echo}

    async def wait_for(self, name: str, count: int = 1, seconds: float = 10.0) -> list[Action]:
        """The first ``count`` actions called ``name``, waiting until they arrived."""
        async with asyncio.timeout(seconds):
            while True:
                found = [a for a in self.actions if a.name == name]
                if len(found) >= count:
                    return found[:count]
                self._changed.clear()
                await self._changed.wait()

    def named(self, name: str) -> list[Action]:
        return [a for a in self.actions if a.name == name]


def text_of(action: Action) -> str:
    """The text a send action carried."""
    message = action.params.get("message", [])
    if isinstance(message, str):
        return message
    return "".join(s["data"].get("text", "") for s in message if s.get("type") == "text")


# -- OneBot v11 event frames ---------------------------------------------------------------


def v11_group_message(
    self_id: str,
    group_id: int,
    user_id: int,
    message: str | list[dict[str, Any]],
    *,
    message_id: int,
    role: str = "member",
    name: str = "",
    at: int | None = None,
) -> dict[str, Any]:
    segments: list[dict[str, Any]] = (
        [{"type": "text", "data": {"text": message}}] if isinstance(message, str) else message
    )
    raw = "".join(s["data"].get("text", "") for s in segments if s["type"] == "text")
    return {
        "time": at if at is not None else int(time.time()),
        "self_id": int(self_id),
        "post_type": "message",
        "message_type": "group",
        "sub_type": "normal",
        "message_id": message_id,
        "group_id": group_id,
        "user_id": user_id,
        "message": segments,
        "raw_message": raw,
        "font": 0,
        "sender": {"user_id": user_id, "nickname": name or f"u{user_id}", "card": "", "role": role},
    }


def v11_notice(self_id: str, notice_type: str, sub_type: str, **fields: Any) -> dict[str, Any]:
    return {
        "time": int(time.time()),
        "self_id": int(self_id),
        "post_type": "notice",
        "notice_type": notice_type,
        "sub_type": sub_type,
        **fields,
    }


def v11_group_request(
    self_id: str, group_id: int, user_id: int, flag: str, comment: str = ""
) -> dict[str, Any]:
    return {
        "time": int(time.time()),
        "self_id": int(self_id),
        "post_type": "request",
        "request_type": "group",
        "sub_type": "add",
        "group_id": group_id,
        "user_id": user_id,
        "comment": comment,
        "flag": flag,
    }


# -- OneBot v12 event frames ---------------------------------------------------------------


def connect_event() -> dict[str, Any]:
    return {
        "id": "connect-1",
        "time": time.time(),
        "type": "meta",
        "detail_type": "connect",
        "sub_type": "",
        "version": {"impl": "fakewechat", "version": "1.0", "onebot_version": "12"},
    }


def v12_group_message(
    self_id: str,
    group_id: str,
    user_id: str,
    text: str | list[dict[str, Any]],
    *,
    event_id: str,
    message_id: str,
) -> dict[str, Any]:
    segments: list[dict[str, Any]] = (
        [{"type": "text", "data": {"text": text}}] if isinstance(text, str) else text
    )
    alt = "".join(s["data"].get("text", "") for s in segments if s["type"] == "text")
    return {
        "id": event_id,
        "time": time.time(),
        "type": "message",
        "detail_type": "group",
        "sub_type": "",
        "message_id": message_id,
        "message": segments,
        "alt_message": alt,
        "user_id": user_id,
        "group_id": group_id,
        "self": {"platform": "wechat", "user_id": self_id},
    }


def v12_notice(
    self_id: str, detail_type: str, *, event_id: str, sub_type: str = "", **fields: Any
) -> dict[str, Any]:
    return {
        "id": event_id,
        "time": time.time(),
        "type": "notice",
        "detail_type": detail_type,
        "sub_type": sub_type,
        "self": {"platform": "wechat", "user_id": self_id},
        **fields,
    }
