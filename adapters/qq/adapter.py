"""The QQ adapter: OneBot v11 through nonebot-adapter-onebot, inside Shequn's loop.

Several QQ accounts may be connected at once. Each group message is handled once, however
many of the accounts deliver it, and the lowest connected account that is a member of a
group answers there. Another of our accounts is the bot too: its joins, mutes and messages
are the bot's own (see ``HostedAdapter.own``). Long lists go as a merged forward where the
implementation supports one, else as plain text.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from nonebot.adapters import Bot, Event
from nonebot.adapters.onebot.v11 import (
    Adapter as V11Adapter,
)
from nonebot.adapters.onebot.v11 import (
    GroupBanNoticeEvent,
    GroupDecreaseNoticeEvent,
    GroupIncreaseNoticeEvent,
    GroupRequestEvent,
)
from nonebot.adapters.onebot.v11 import Message as V11Message
from nonebot.adapters.onebot.v11 import (
    MessageEvent as V11MessageEvent,
)
from nonebot.adapters.onebot.v11.exception import ActionFailed

from adapters.qq import PLATFORM, builder
from adapters.qq.exporter import export, forward_nodes, is_long
from adapters.qq.ids import BadId, message_number, number
from adapters.qq.settings import QQSettings
from shequn import App, Capabilities, Level, Message, NotSupported, Scene, User
from shequn.internal.nonebot_host import HostedAdapter

log = logging.getLogger("shequn.qq")

QUOTE_TIMEOUT = 5.0
"""Seconds to wait for a quoted message before handling the reply without it."""
REQUEST_MEMORY = 10_000
FORWARD_NODE_LINES = 20
"""Lines per node of a merged forward: each node is one message in the folded view."""
UNSUPPORTED = 1404
"""The retcode of an action the implementation does not have (go-cqhttp, NapCat)."""


class QQAdapter(HostedAdapter):
    platform = PLATFORM
    capabilities = Capabilities(
        buttons=False,
        delete=True,
        kick=True,
        mute=True,
        ban=True,
        join_requests=True,
        titles=True,
    )

    def __init__(self, app: App, settings: QQSettings) -> None:
        super().__init__(app)
        self.settings = settings
        self.pace = settings.pace()
        self.role_cache_seconds = settings.role_cache_seconds
        self._requests: OrderedDict[str, str] = OrderedDict()
        """Join-request flag -> the account that received it (and must answer it)."""
        self._no_forward: set[str] = set()
        """Accounts whose implementation has no merged forward: long lists go as text."""
        forward = settings.mode == "forward"
        self.host.register(
            V11Adapter,
            self.subscriber(),
            serve=not forward,
            onebot_v11_access_token=settings.access_token or None,
            onebot_v11_ws_urls=set(settings.urls) if forward else set(),
        )

    # -- events in ---------------------------------------------------------------------------

    async def on_connect(self, bot: Bot) -> None:
        self.background(self._learn_groups(bot))

    async def _learn_groups(self, bot: Bot) -> None:
        """Which groups the account is in, so it can be elected to speak there at once."""
        try:
            groups = await bot.call_api("get_group_list")
        except Exception as error:
            log.info("could not list the groups of account %s: %r", bot.self_id, error)
            return
        if isinstance(groups, list):
            self.accounts.joined_all(
                bot.self_id,
                (str(g["group_id"]) for g in groups if isinstance(g, dict) and "group_id" in g),
            )

    async def on_event(self, bot: Bot, event: Event) -> None:
        account = bot.self_id
        if isinstance(event, V11MessageEvent):
            await self._message(bot, event)
        elif isinstance(event, GroupIncreaseNoticeEvent):
            self.accounts.joined(account, str(event.group_id))
            self.app.submit(self.own(builder.member_joined(event, account)))
        elif isinstance(event, GroupDecreaseNoticeEvent):
            if event.sub_type == "kick_me" or str(event.user_id) == account:
                self.accounts.left(account, str(event.group_id))
            self.app.submit(self.own(builder.member_left(event, account)))
        elif isinstance(event, GroupRequestEvent):
            if event.sub_type != "add":
                log.info("ignored a group %s request for %s", event.sub_type, event.group_id)
                return
            self._remember_request(event.flag, account)
            self.app.submit(builder.join_requested(event, account))
        elif isinstance(event, GroupBanNoticeEvent):
            muted = builder.member_muted(event, account)
            if muted is None:
                log.debug("group %s: everyone %s", event.group_id, event.sub_type)
            else:
                self.app.submit(self.own(muted))

    async def _message(self, bot: Bot, event: V11MessageEvent) -> None:
        account = bot.self_id
        built = self.own(builder.message_event(event, account))
        place = built.scene.id
        self.accounts.joined(account, place)
        now = asyncio.get_running_loop().time()
        if not self.accounts.claim(builder.fingerprint(event), account, now):
            return  # another of our accounts delivered this message first
        sender = event.sender
        if sender is not None and sender.role and not built.scene.is_private:
            self.remember_role(place, built.user.id, builder.level_of(sender.role))
        if not builder.readable(built, event.message):
            return  # a voice message, a card: the group and the role above are still learnt
        if built.reply_to is not None and self.settings.quote_replies:
            built = await self._with_quote(bot, built)
        self.app.submit(built)

    async def _with_quote(self, bot: Bot, event: Any) -> Any:
        from dataclasses import replace

        reply_to = event.reply_to
        try:
            message_id = message_number(reply_to)
        except BadId as error:
            log.info("quoted message not fetched: %s", error)
            return event
        try:
            data = await asyncio.wait_for(
                bot.call_api("get_msg", message_id=message_id), QUOTE_TIMEOUT
            )
        except Exception as error:
            log.info("quoted message %s not available: %r", reply_to, error)
            return event
        quoted = builder.quoted(reply_to, data)
        if quoted.message is None:
            log.info("quoted message %s came without readable content: %.200r", reply_to, data)
        return replace(event, quoted=quoted)

    def _remember_request(self, flag: str, account: str) -> None:
        self._requests[flag] = account
        while len(self._requests) > REQUEST_MEMORY:
            self._requests.popitem(last=False)

    # -- messages out ------------------------------------------------------------------------

    def private_scene(self, user: User) -> Scene:
        return builder.private_scene(user.id, user.name)

    async def send(self, scene: Scene, message: Message) -> str:
        segments = export(message)
        if not segments:
            return ""
        bot = self.bot_for(scene.id)
        settings = self.settings
        long = is_long(message, settings.forward_lines, settings.forward_chars)
        if long and bot.self_id not in self._no_forward:
            forwarded = await self._forward(bot, scene, segments)
            if forwarded is not None:
                return forwarded
        if scene.is_private:
            result = await bot.call_api(
                "send_private_msg",
                user_id=number(scene.id.removeprefix("private:"), "user id"),
                message=segments,
            )
        else:
            result = await bot.call_api(
                "send_group_msg", group_id=number(scene.id, "group id"), message=segments
            )
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    async def _forward(self, bot: Bot, scene: Scene, segments: V11Message) -> str | None:
        """Send as a merged forward (合并转发); None when the implementation refused, and the
        caller sends plain messages instead. An implementation without the action (retcode
        1404) is not asked again."""
        nodes = forward_nodes(segments, self.settings.forward_name, bot.self_id, FORWARD_NODE_LINES)
        if scene.is_private:
            api = "send_private_forward_msg"
            target = {"user_id": number(scene.id.removeprefix("private:"), "user id")}
        else:
            api, target = "send_group_forward_msg", {"group_id": number(scene.id, "group id")}
        try:
            result = await bot.call_api(api, messages=nodes, **target)
        except ActionFailed as error:
            if error.info.get("retcode") == UNSUPPORTED:
                self._no_forward.add(bot.self_id)
            log.info("%s refused in %s, sending plain text: %s", api, scene.key, error)
            return None
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    # -- actions -----------------------------------------------------------------------------

    async def _act(self, scene: Scene, action: str, api: str, **params: Any) -> Any:
        """Call ``api`` as the group's speaker; a refusal (no rights) becomes NotSupported,
        which the core answers with a clear message."""
        bot = self.bot_for(scene.id)
        try:
            return await bot.call_api(api, **params)
        except ActionFailed as error:
            log.warning("%s in %s refused: %s", api, scene.key, error)
            raise NotSupported(self.platform, action) from error

    async def delete(self, scene: Scene, message_id: str) -> None:
        await self._act(scene, "delete", "delete_msg", message_id=message_number(message_id))

    async def _on_member(
        self, scene: Scene, user: User, action: str, api: str, **params: Any
    ) -> None:
        """An action on one member of the group (the ids QQ wants are numbers)."""
        member = {"group_id": number(scene.id, "group id"), "user_id": number(user.id, "user id")}
        await self._act(scene, action, api, **member, **params)

    async def kick(self, scene: Scene, user: User) -> None:
        await self._on_member(scene, user, "kick", "set_group_kick", reject_add_request=False)

    async def ban(self, scene: Scene, user: User) -> None:
        """QQ's ban: removed and future join requests refused."""
        await self._on_member(scene, user, "ban", "set_group_kick", reject_add_request=True)

    async def mute(self, scene: Scene, user: User, seconds: int) -> None:
        await self._on_member(scene, user, "mute", "set_group_ban", duration=max(0, seconds))

    async def answer_join_request(
        self, scene: Scene, user: User, request_id: str, approve: bool, reason: str = ""
    ) -> None:
        account = self._requests.get(request_id)
        bot = self.bots.get(account) if account is not None else None
        bot = bot or self.bot_for(scene.id)
        params: dict[str, Any] = {"flag": request_id, "sub_type": "add", "approve": approve}
        if not approve and reason:
            params["reason"] = reason[:200]
        try:
            await bot.call_api("set_group_add_request", **params)
        except ActionFailed as error:
            log.warning("answering join request %s refused: %s", request_id, error)
            raise NotSupported(self.platform, "join_request") from error

    async def set_title(self, scene: Scene, user: User, title: str) -> None:
        await self._on_member(
            scene, user, "title", "set_group_special_title", special_title=title, duration=-1
        )

    # -- roles -------------------------------------------------------------------------------

    async def role_of(self, scene: Scene, user: User) -> Level:
        if scene.is_private:
            return Level.MEMBER
        cached = self.cached_role(scene.id, user.id)
        if cached is not None:
            return cached
        info = await self.bot_for(scene.id).call_api(
            "get_group_member_info",
            group_id=number(scene.id, "group id"),
            user_id=number(user.id, "user id"),
        )
        level = builder.level_of(info.get("role") if isinstance(info, dict) else None)
        self.remember_role(scene.id, user.id, level)
        return level

    async def members(self, scene: Scene) -> list[tuple[User, Level]]:
        """Everyone in the group with their level (``get_group_member_list``)."""
        listed = await self.bot_for(scene.id).call_api(
            "get_group_member_list", group_id=number(scene.id, "group id")
        )
        members: list[tuple[User, Level]] = []
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, dict) or item.get("user_id") is None:
                continue
            name = str(item.get("card") or item.get("nickname") or "")
            member, level = builder.user(item["user_id"], name), builder.level_of(item.get("role"))
            self.remember_role(scene.id, member.id, level)
            members.append((member, level))
        return members
