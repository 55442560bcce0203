"""A local Bot API server for tests: aiohttp on 127.0.0.1, speaking Telegram's JSON.

It serves ``/bot<TOKEN>/<method>`` for the methods Shequn uses, records every call, queues
updates for ``getUpdates`` (long polling with ``offset``) and can answer a method with
``429 Too Many Requests`` and ``parameters.retry_after`` a given number of times.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "shequn_test_bot"

Json = dict[str, Any]


@dataclass(frozen=True)
class Call:
    method: str
    params: Json
    at: float


def _value(raw: str) -> Any:
    """aiogram sends form fields: objects and lists as JSON, everything else as text."""
    if raw[:1] in ("{", "[") or raw in ("true", "false"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def person(user_id: int, first_name: str, username: str | None = None, **extra: Any) -> Json:
    data: Json = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        data["username"] = username
    data.update(extra)
    return data


def supergroup(chat_id: int = -1001, title: str = "Shequn Lounge") -> Json:
    return {"id": chat_id, "type": "supergroup", "title": title}


@dataclass
class FakeBotAPI:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    admins: dict[int, list[Json]] = field(default_factory=dict)
    """chat id -> ChatMember objects returned by getChatAdministrators."""
    port: int = 0
    _updates: list[Json] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _links: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _called: asyncio.Condition = field(default_factory=asyncio.Condition)
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _refusals: dict[str, tuple[int, str]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    webhook: Json = field(default_factory=dict)
    gone_topics: set[int] = field(default_factory=set)
    """Forum topics (``message_thread_id``) deleted since: sending to them fails as on
    Telegram."""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeBotAPI:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        for address in self._runner.addresses:
            self.port = int(address[1])
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what tests do ---------------------------------------------------------------------

    async def push(self, **update: Any) -> int:
        """Queue an update (``message=...``, ``chat_member=...``); returns its ``update_id``."""
        update_id = update.pop("update_id", None) or next(self._update_ids)
        async with self._arrived:
            self._updates.append({"update_id": update_id, **update})
            self._arrived.notify_all()
        return int(update_id)

    async def push_raw(self, raw: Any) -> None:
        """Queue anything at all, even what is not a valid update."""
        async with self._arrived:
            self._updates.append(raw)
            self._arrived.notify_all()

    def fail(self, method: str, *, retry_after: int, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``retry_after``."""
        self._failures.setdefault(method, []).extend([retry_after] * times)

    def refuse(self, method: str, code: int, description: str) -> None:
        """Answer every later call of ``method`` with error ``code`` and ``description``."""
        self._refusals[method] = (code, description)

    def calls_of(self, method: str) -> list[Json]:
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        within: float = 15,
        where: Callable[[Json], bool] | None = None,
    ) -> list[Json]:
        """Wait until ``method`` was called ``count`` times (matching ``where``)."""

        def matching() -> list[Json]:
            return [p for p in self.calls_of(method) if where is None or where(p)]

        async def until() -> None:
            async with self._called:
                await self._called.wait_for(lambda: len(matching()) >= count)

        await asyncio.wait_for(until(), within)
        return matching()

    def message(self, text: str, *, user: Json, chat: Json | None = None, **extra: Any) -> Json:
        """A Message object as Telegram would send it."""
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or supergroup(),
            "from": user,
            "text": text,
            **extra,
        }

    # -- the server ------------------------------------------------------------------------

    async def _serve(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params: Json = {}
        if request.content_type == "application/json":
            body = await request.json()
            params = body if isinstance(body, dict) else {}
        elif request.can_read_body:
            form = await request.post()
            params = {k: _value(v) for k, v in form.items() if isinstance(v, str)}
        if method != "getUpdates":
            async with self._called:
                self.calls.append(Call(method, params, time.monotonic()))
                self._called.notify_all()
        pending = self._failures.get(method)
        if pending:
            retry_after = pending.pop(0)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        if method in self._refusals:
            return _error(*self._refusals[method])
        handler = getattr(self, "_" + method, None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, _params: Json) -> Json:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Shequn",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _getUpdates(self, params: Json) -> list[Any]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)

        def fresh() -> list[Any]:
            if offset:
                self._updates = [
                    u
                    for u in self._updates
                    if not isinstance(u, dict)
                    or not isinstance(u.get("update_id"), int)
                    or u["update_id"] >= offset
                ]
            return list(self._updates)

        async with self._arrived:
            if not fresh() and timeout > 0:
                try:
                    await asyncio.wait_for(self._arrived.wait_for(lambda: bool(fresh())), timeout)
                except TimeoutError:
                    return []
            batch = fresh()
            # Anything without a numeric id can never be confirmed: hand it out once.
            self._updates = [
                u
                for u in self._updates
                if isinstance(u, dict) and isinstance(u.get("update_id"), int)
            ]
            return batch

    def _sent(self, params: Json, **content: Any) -> Json:
        """The message sent; in a forum topic when ``message_thread_id`` names one."""
        chat_id = int(params["chat_id"])
        thread = params.get("message_thread_id")
        if thread is not None:
            content = {"message_thread_id": int(thread), "is_topic_message": True, **content}
        chat = (
            supergroup(chat_id)
            if chat_id < 0
            else {"id": chat_id, "type": "private", "first_name": "x"}
        )
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Shequn",
                "username": BOT_USERNAME,
            },
            **content,
        }

    async def _sendMessage(self, params: Json) -> Any:
        thread = params.get("message_thread_id")
        if thread is not None and int(thread) in self.gone_topics:
            return _error(400, "Bad Request: message thread not found")
        return self._sent(params, text=params.get("text", ""))

    async def _sendPhoto(self, params: Json) -> Json:
        return self._sent(
            params, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        )

    async def _sendDocument(self, params: Json) -> Json:
        return self._sent(params, document={"file_id": "d", "file_unique_id": "d"})

    async def _sendSticker(self, params: Json) -> Json:
        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._sent(params, sticker=sticker)

    async def _editMessageText(self, params: Json) -> Json:
        return self._sent(params, text=params.get("text", ""))

    async def _answerCallbackQuery(self, _params: Json) -> bool:
        return True

    async def _deleteMessage(self, _params: Json) -> bool:
        return True

    async def _restrictChatMember(self, _params: Json) -> bool:
        return True

    async def _banChatMember(self, _params: Json) -> bool:
        return True

    async def _unbanChatMember(self, _params: Json) -> bool:
        return True

    async def _approveChatJoinRequest(self, _params: Json) -> bool:
        return True

    async def _declineChatJoinRequest(self, _params: Json) -> bool:
        return True

    async def _pinChatMessage(self, _params: Json) -> bool:
        return True

    async def _setMyCommands(self, _params: Json) -> bool:
        return True

    async def _setWebhook(self, params: Json) -> bool:
        self.webhook = dict(params)
        return True

    async def _deleteWebhook(self, _params: Json) -> bool:
        self.webhook = {}
        return True

    async def _createChatInviteLink(self, params: Json) -> Json:
        number = next(self._links)
        link: Json = {
            "invite_link": f"https://t.me/+fakeLink{number:04d}",
            "creator": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Shequn",
                "username": BOT_USERNAME,
            },
            "creates_join_request": False,
            "is_primary": False,
            "is_revoked": False,
        }
        if params.get("name"):
            link["name"] = params["name"]
        return link

    async def _setChatAdministratorCustomTitle(self, params: Json) -> Any:
        """As Telegram: only for admins the bot promoted, 0-16 characters, no emoji."""
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        title = str(params.get("custom_title", ""))
        if chat_id > 0 or not str(chat_id).startswith("-100"):
            return _error(400, "Bad Request: method is available only for supergroups")
        if len(title) > 16:
            return _error(400, "Bad Request: ADMIN_RANK_INVALID")
        if any(ord(ch) > 0xFFFF or 0x2600 <= ord(ch) <= 0x27BF for ch in title):
            return _error(400, "Bad Request: ADMIN_RANK_EMOJI_NOT_ALLOWED")
        for member in self.admins.get(chat_id, []):
            if member["user"]["id"] != user_id:
                continue
            if member["status"] != "administrator":
                break
            if not member.get("can_be_edited"):
                return _error(400, "Bad Request: not enough rights to change custom title")
            member["custom_title"] = title
            return True
        return _error(400, "Bad Request: user is not an administrator")

    async def _getChatAdministrators(self, params: Json) -> list[Json]:
        return self.admins.get(int(params["chat_id"]), [])

    async def _getChatMember(self, params: Json) -> Json:
        user_id = int(params["user_id"])
        for member in self.admins.get(int(params["chat_id"]), []):
            if member["user"]["id"] == user_id:
                return member
        return {"status": "member", "user": person(user_id, f"user{user_id}")}


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )
