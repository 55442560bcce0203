"""A local stand-in for Discord: the gateway (WebSocket) and the HTTP API on 127.0.0.1.

It speaks enough of the real wire protocol for discord.py 2 to log in, identify, receive
guilds, messages, member and interaction events, and for the adapter's HTTP calls (messages,
interaction callbacks and follow-ups, invites, kicks, bans, timeouts, command sync) to be
answered and recorded. Tests drive it with :meth:`FakeDiscord.dispatch` and read
:attr:`FakeDiscord.calls`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "test-token"
APPLICATION_ID = "900000000000000001"
BOT_ID = "900000000000000002"
ADMIN_BIT = 1 << 3
MANAGE_GUILD_BIT = 1 << 5


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


@dataclass
class Call:
    """One HTTP request the bot made."""

    method: str
    path: str
    body: Any
    query: dict[str, str]
    files: list[tuple[str, bytes]] = field(default_factory=list)
    """Uploaded files of a multipart request: (file name, content)."""


@dataclass
class FakeGuild:
    id: str
    name: str
    owner_id: str
    channel_id: str
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """user id -> member payload (user, roles)."""
    roles: list[dict[str, Any]] = field(default_factory=list)
    invites: dict[str, dict[str, Any]] = field(default_factory=dict)
    vanity: dict[str, Any] | None = None
    bans: set[str] = field(default_factory=set)

    def payload(self) -> dict[str, Any]:
        features = ["VANITY_URL"] if self.vanity else []
        return {
            "id": self.id,
            "name": self.name,
            "owner_id": self.owner_id,
            "icon": None,
            "features": features,
            "roles": self.roles,
            "emojis": [],
            "stickers": [],
            "channels": [
                {
                    "id": self.channel_id,
                    "type": 0,
                    "name": "general",
                    "position": 0,
                    "guild_id": self.id,
                    "permission_overwrites": [],
                    "nsfw": False,
                }
            ],
            "threads": [],
            "members": list(self.members.values()),
            "member_count": len(self.members),
            "voice_states": [],
            "presences": [],
            "large": False,
            "unavailable": False,
            "system_channel_id": self.channel_id,
            "vanity_url_code": self.vanity["code"] if self.vanity else None,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "joined_at": now_iso(),
        }


class FakeDiscord:
    """Start with ``await fake.start()``; ``api_base`` and ``gateway_url`` point the bot here."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.guilds: dict[str, FakeGuild] = {}
        self.identified = asyncio.Event()
        self.identify_payloads: list[dict[str, Any]] = []
        self.heartbeats = 0
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self._sequence = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.fail_next: dict[str, tuple[int, dict[str, Any]]] = {}
        """``METHOD path-prefix`` -> (status, body) answered once instead of the real thing."""
        self.new_call = asyncio.Condition()

    # -- set-up --------------------------------------------------------------------------

    def snowflake(self) -> str:
        return str(next(self._ids))

    def add_guild(
        self,
        name: str,
        owner: tuple[str, str],
        *,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> FakeGuild:
        """A server the bot is in; ``guild_id``/``channel_id`` are for replaying recorded
        payloads that name their server and channel (fresh snowflakes otherwise)."""
        guild_id = guild_id or self.snowflake()
        channel_id = channel_id or self.snowflake()
        guild = FakeGuild(id=guild_id, name=name, owner_id=owner[0], channel_id=channel_id)
        guild.roles = [
            {
                "id": guild_id,
                "name": "@everyone",
                "permissions": str(1024 | 2048),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        ]
        self.guilds[guild_id] = guild
        self.add_member(guild, BOT_ID, "shequn", bot=True)
        self.add_member(guild, *owner)
        return guild

    def add_role(self, guild: FakeGuild, name: str, permissions: int) -> str:
        role_id = self.snowflake()
        guild.roles.append(
            {
                "id": role_id,
                "name": name,
                "permissions": str(permissions),
                "position": len(guild.roles),
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        )
        return role_id

    def add_member(
        self,
        guild: FakeGuild,
        user_id: str,
        name: str,
        *,
        roles: list[str] | None = None,
        bot: bool = False,
    ) -> dict[str, Any]:
        member = {
            "user": user_payload(user_id, name, bot=bot),
            "roles": roles or [],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        guild.members[user_id] = member
        return member

    def add_invite(self, guild: FakeGuild, code: str, inviter: tuple[str, str], uses: int) -> None:
        guild.invites[code] = self._invite(guild, code, user_payload(*inviter), uses)

    def _invite(
        self, guild: FakeGuild, code: str, inviter: dict[str, Any], uses: int
    ) -> dict[str, Any]:
        return {
            "type": 0,
            "code": code,
            "guild": {"id": guild.id, "name": guild.name, "features": [], "icon": None},
            "channel": {"id": guild.channel_id, "name": "general", "type": 0},
            "inviter": inviter,
            "uses": uses,
            "max_uses": 0,
            "max_age": 0,
            "temporary": False,
            "created_at": now_iso(),
        }

    # -- serving -------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def close(self) -> None:
        for socket in list(self._sockets):
            with contextlib.suppress(Exception):
                await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the gateway ---------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                op = message.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await socket.send_json({"op": 11})
                elif op == 2:
                    await self._identify(socket, message["d"])
                elif op == 8:
                    await self._chunk(socket, message["d"])
        finally:
            self._sockets.remove(socket)
        return socket

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != TOKEN:
            await socket.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_payloads.append(data)
        shard = data.get("shard") or [0, 1]
        mine = [g for g in self.guilds.values() if (int(g.id) >> 22) % shard[1] == shard[0]]
        ready = {
            "v": 10,
            "user": user_payload(BOT_ID, "shequn", bot=True),
            "guilds": [{"id": g.id, "unavailable": True} for g in mine],
            "session_id": "session-" + self.snowflake(),
            "resume_gateway_url": self.gateway_url,
            "shard": shard,
            "application": {"id": APPLICATION_ID, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await self._send(socket, "READY", ready)
        for guild in mine:
            await self._send(socket, "GUILD_CREATE", guild.payload())
        self.identified.set()

    async def _chunk(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        guild = self.guilds.get(str(data.get("guild_id")))
        if guild is None:
            return
        chunk = {
            "guild_id": guild.id,
            "members": list(guild.members.values()),
            "chunk_index": 0,
            "chunk_count": 1,
            "nonce": data.get("nonce"),
        }
        await self._send(socket, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send(self, socket: web.WebSocketResponse, name: str, data: Any) -> None:
        await socket.send_json({"op": 0, "t": name, "s": next(self._sequence), "d": data})

    async def dispatch(self, name: str, data: Any) -> None:
        """Send an event to every connected shard."""
        for socket in list(self._sockets):
            await self._send(socket, name, data)

    async def send_raw(self, text: str) -> None:
        """A frame as it is: for malformed-payload tests."""
        for socket in list(self._sockets):
            await socket.send_str(text)

    # -- events the tests send -----------------------------------------------------------

    def message(
        self,
        guild: FakeGuild,
        author: tuple[str, str],
        content: str,
        mentions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        attachments: list[Any] = (),  # type: ignore[assignment]
        stickers: list[Any] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        member = guild.members.get(author[0]) or {"roles": [], "joined_at": now_iso()}
        return {
            "id": self.snowflake(),
            "channel_id": guild.channel_id,
            "guild_id": guild.id,
            "author": user_payload(*author),
            "member": {k: v for k, v in member.items() if k != "user"},
            "content": content,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [user_payload(*m) for m in mentions],
            "mention_roles": [],
            "attachments": list(attachments),
            "sticker_items": list(stickers),
            "embeds": [],
            "pinned": False,
            "type": 0,
        }

    def attachment(
        self, filename: str, content_type: str | None = "image/png", description: str | None = None
    ) -> dict[str, Any]:
        """An attachment as the gateway sends it, on the fake's CDN."""
        attachment_id = self.snowflake()
        url = f"https://cdn.discordapp.com/attachments/1/{attachment_id}/{filename}?ex=1&is=2&hm=3"
        found: dict[str, Any] = {
            "id": attachment_id,
            "filename": filename,
            "size": 1234,
            "url": url,
            "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
            "width": 64,
            "height": 64,
        }
        if content_type is not None:
            found["content_type"] = content_type
        if description is not None:
            found["description"] = description
        return found

    def interaction(
        self,
        guild: FakeGuild,
        user: tuple[str, str],
        kind: int,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        member = dict(guild.members.get(user[0]) or {"roles": [], "joined_at": now_iso()})
        member["user"] = user_payload(*user)
        member["permissions"] = "0"
        payload: dict[str, Any] = {
            "id": self.snowflake(),
            "application_id": APPLICATION_ID,
            "type": kind,
            "data": data,
            "guild_id": guild.id,
            "channel_id": guild.channel_id,
            "channel": {
                "id": guild.channel_id,
                "type": 0,
                "name": "general",
                "guild_id": guild.id,
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
            },
            "member": member,
            "token": "interaction-token-" + self.snowflake(),
            "version": 1,
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": str((1 << 41) - 1),
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": guild.id},
            "context": 0,
        }
        if message is not None:
            payload["message"] = message
        return payload

    def documented_interaction(
        self,
        guild_id: str | None,
        channel_id: str | None,
        user: tuple[str, str],
        data: dict[str, Any],
    ) -> dict[str, Any]:
        """An application command shaped like the sample payload of Discord's documentation
        (discord/discord-api-docs, docs/interactions/Application_Commands.md, "Slash Command
        Interaction" sample): ``channel_id`` but no ``channel`` object, no ``application_id``,
        ``version`` or ``attachment_size_limit``. Without ``guild_id`` it comes from a DM, with
        ``user`` instead of ``member`` as Discord sends it there."""
        person = {**user_payload(*user), "public_flags": 131141}
        payload: dict[str, Any] = {
            "type": 2,
            "token": "A_UNIQUE_TOKEN-" + self.snowflake(),
            "id": self.snowflake(),
            "app_permissions": "442368",
            "locale": "en-US",
            "data": data,
        }
        if guild_id is not None:
            payload["guild_id"] = guild_id
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                "user": person,
                "roles": [],
                "premium_since": None,
                "permissions": "2147483647",
                "pending": False,
                "nick": None,
                "mute": False,
                "joined_at": "2017-03-13T19:19:14.040000+00:00",
                "is_pending": False,
                "deaf": False,
            }
        else:
            payload["user"] = person
        if channel_id is not None:
            payload["channel_id"] = channel_id
        return payload

    async def join(self, guild: FakeGuild, user: tuple[str, str], via: str | None) -> None:
        """``user`` joins through invite ``via`` (``"vanity"`` for the vanity URL, None unknown)."""
        if via == "vanity" and guild.vanity is not None:
            guild.vanity["uses"] += 1
        elif via is not None:
            guild.invites[via]["uses"] += 1
        member = self.add_member(guild, *user)
        await self.dispatch("GUILD_MEMBER_ADD", {**member, "guild_id": guild.id})

    # -- the HTTP API --------------------------------------------------------------------

    def sent(self, method: str, path_part: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and path_part in c.path]

    async def wait_for(self, method: str, path_part: str, count: int = 1) -> list[Call]:
        """The calls so far once ``count`` of them match (at most five seconds)."""

        async def enough() -> list[Call]:
            async with self.new_call:
                await self.new_call.wait_for(lambda: len(self.sent(method, path_part)) >= count)
            return self.sent(method, path_part)

        return await asyncio.wait_for(enough(), 5.0)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[tuple[str, bytes]] = []
        if request.can_read_body:
            if request.content_type.startswith("multipart/"):
                body, files = await _multipart(request)
            else:
                raw = await request.read()
                body = json.loads(raw) if raw else None
        call = Call(request.method, path, body, dict(request.query), files)
        async with self.new_call:
            self.calls.append(call)
            self.new_call.notify_all()
        public = path.startswith(("/interactions/", "/webhooks/"))
        if not public and request.headers.get("Authorization") != f"Bot {TOKEN}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        for key, (status, answer) in list(self.fail_next.items()):
            verb, _, prefix = key.partition(" ")
            if verb == request.method and path.startswith(prefix):
                del self.fail_next[key]
                return _json(answer, status=status)
        return await self._route(request.method, path.split("/")[1:], body)

    async def _route(self, method: str, parts: list[str], body: Any) -> web.StreamResponse:
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(user_payload(BOT_ID, "shequn", bot=True))
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(_application())
            case "GET", ["gateway", "bot"]:
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
                return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
            case "GET", ["gateway"]:
                return _json({"url": self.gateway_url})
            case "PUT", ["applications", _, "commands"]:
                return _json(_commands(body))
            case "PUT", ["applications", _, "guilds", _, "commands"]:
                return _json(_commands(body))
            case "POST", ["channels", channel_id, "messages"]:
                return _json(self._created_message(channel_id, body))
            case "DELETE", ["channels", _, "messages", _]:
                return web.Response(status=204)
            case "POST", ["interactions", interaction_id, _, "callback"]:
                return _json(self._callback(interaction_id, body))
            case "POST", ["webhooks", _, _]:
                return _json(self._created_message(self.snowflake(), body))
            case "PATCH", ["webhooks", _, _, "messages", _]:
                return _json(self._created_message(self.snowflake(), body))
            case "DELETE", ["webhooks", _, _, "messages", _]:
                return web.Response(status=204)
            case "GET", ["guilds", guild_id, "invites"]:
                return _json(list(self._guild(guild_id).invites.values()))
            case "GET", ["guilds", guild_id, "vanity-url"]:
                vanity = self._guild(guild_id).vanity
                return _json(vanity or {"code": None, "uses": 0})
            case "POST", ["channels", channel_id, "invites"]:
                return _json(self._create_invite(channel_id))
            case "GET", ["guilds", guild_id, "members", user_id]:
                member = self._guild(guild_id).members.get(user_id)
                if member is None:
                    return _not_found("Unknown Member", 10007)
                return _json(member)
            case "DELETE", ["guilds", guild_id, "members", user_id]:
                guild = self._guild(guild_id)
                member = guild.members.pop(user_id, None)
                if member is None:
                    return _not_found("Unknown Member", 10007)
                await self.dispatch(
                    "GUILD_MEMBER_REMOVE", {"guild_id": guild_id, "user": member["user"]}
                )
                return web.Response(status=204)
            case "PATCH", ["guilds", guild_id, "members", user_id]:
                member = self._guild(guild_id).members.get(user_id)
                if member is None:
                    return _not_found("Unknown Member", 10007)
                member.update(body or {})
                return _json(member)
            case "PUT", ["guilds", guild_id, "bans", user_id]:
                guild = self._guild(guild_id)
                guild.bans.add(user_id)
                guild.members.pop(user_id, None)
                return web.Response(status=204)
            case "DELETE", ["guilds", guild_id, "bans", user_id]:
                self._guild(guild_id).bans.discard(user_id)
                return web.Response(status=204)
            case "POST", ["users", "@me", "channels"]:
                recipient = str((body or {}).get("recipient_id"))
                return _json(
                    {
                        "id": "dm-" + recipient,
                        "type": 1,
                        "recipients": [user_payload(recipient, "x")],
                    }
                )
        return _not_found("Unknown route", 0)

    def _guild(self, guild_id: str) -> FakeGuild:
        guild = self.guilds.get(guild_id)
        if guild is None:
            raise web.HTTPNotFound(
                text=json.dumps({"message": "Unknown Guild", "code": 10004}),
                content_type="application/json",
            )
        return guild

    def _created_message(self, channel_id: str, body: Any) -> dict[str, Any]:
        data = body if isinstance(body, dict) else {}
        return {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "author": user_payload(BOT_ID, "shequn", bot=True),
            "content": data.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": data.get("components") or [],
            "pinned": False,
            "type": 0,
        }

    def _callback(self, interaction_id: str, body: Any) -> dict[str, Any]:
        kind = (body or {}).get("type")
        message = self._created_message(self.snowflake(), (body or {}).get("data"))
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": False,
            }
        }
        if kind in (4, 5):
            answer["resource"] = {"type": kind, "message": message}
        return answer

    def _create_invite(self, channel_id: str) -> dict[str, Any]:
        guild = next(g for g in self.guilds.values() if g.channel_id == channel_id)
        code = "p" + self.snowflake()[-8:]
        invite = self._invite(guild, code, user_payload(BOT_ID, "shequn", bot=True), 0)
        guild.invites[code] = invite
        return invite


def _application() -> dict[str, Any]:
    return {
        "id": APPLICATION_ID,
        "name": "shequn",
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user_payload("900000000000000003", "owner"),
        "summary": "",
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


def _commands(body: Any) -> list[dict[str, Any]]:
    return [
        {
            **command,
            "id": str(1_200_000_000_000_000_000 + index),
            "application_id": APPLICATION_ID,
            "version": "1",
        }
        for index, command in enumerate(body or [])
    ]


def _not_found(message: str, code: int) -> web.Response:
    return _json({"message": message, "code": code}, status=404)


async def _multipart(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """The ``payload_json`` part and the uploaded files of a multipart request."""
    reader = await request.multipart()
    body: Any = None
    files: list[tuple[str, bytes]] = []
    while True:
        part = await reader.next()
        if part is None:
            return body, files
        if getattr(part, "name", None) == "payload_json":
            body = json.loads(await part.text())  # type: ignore[union-attr]
        elif getattr(part, "filename", None):
            files.append((str(part.filename), bytes(await part.read())))  # type: ignore[union-attr]


def _json(data: Any, status: int = 200) -> web.Response:
    """JSON with exactly Discord's content type (discord.py compares it as a whole)."""
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, headers={"Content-Type": "application/json"})
