"""The WeChat adapter: a OneBot v12 bridge through nonebot-adapter-onebot, in Shequn's loop.

OneBot v12 has no standard action to remove a group member. Bridges that can do it name
the action themselves; the adapter asks each bridge what it supports
(``get_supported_actions``) and kicks only where one is listed. Elsewhere a kick answers
"not supported on WeChat".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from nonebot.adapters import Bot, Event
from nonebot.adapters.onebot.v12 import Adapter as V12Adapter
from nonebot.adapters.onebot.v12 import (
    GroupMemberDecreaseEvent,
    GroupMemberIncreaseEvent,
)
from nonebot.adapters.onebot.v12 import MessageEvent as V12MessageEvent
from nonebot.adapters.onebot.v12.exception import ActionFailed

from adapters.wechat import PLATFORM, builder
from adapters.wechat.exporter import export
from adapters.wechat.settings import WeChatSettings
from shequn import App, Capabilities, Image, Message, NotSupported, Scene, User
from shequn.internal.nonebot_host import HostedAdapter

log = logging.getLogger("shequn.wechat")

ASK_TIMEOUT = 10.0
"""Seconds to wait for a bridge to list its actions."""


class WeChatAdapter(HostedAdapter):
    platform = PLATFORM
    capabilities = Capabilities(buttons=False, delete=True, kick=True)

    def __init__(self, app: App, settings: WeChatSettings) -> None:
        super().__init__(app)
        self.settings = settings
        self.pace = settings.pace()
        self._supported: dict[str, frozenset[str]] = {}
        """Account -> the actions its bridge listed."""
        forward = settings.mode == "forward"
        self.host.register(
            V12Adapter,
            self.subscriber(),
            serve=not forward,
            onebot_v12_access_token=settings.access_token or None,
            onebot_v12_ws_urls=set(settings.urls) if forward else set(),
        )

    # -- events in ---------------------------------------------------------------------------

    async def on_connect(self, bot: Bot) -> None:
        self.background(self._supported_actions(bot))

    async def on_event(self, bot: Bot, event: Event) -> None:
        account = bot.self_id
        if isinstance(event, V12MessageEvent):
            built = self.own(builder.message_event(event, account))
            self.accounts.joined(account, built.scene.id)
            # v12 event ids are the bridge's own: the same message from two accounts differs.
            key = (built.scene.id, built.user.id, event.message_id)
            claimed = self.accounts.claim(key, account, asyncio.get_running_loop().time())
            if claimed and builder.readable(built, event.message):
                self.app.submit(built)
        elif isinstance(event, GroupMemberIncreaseEvent):
            self.accounts.joined(account, event.group_id)
            self.app.submit(self.own(builder.member_joined(event, account)))
        elif isinstance(event, GroupMemberDecreaseEvent):
            if event.user_id == account:
                self.accounts.left(account, event.group_id)
            self.app.submit(self.own(builder.member_left(event, account)))

    async def _supported_actions(self, bot: Bot) -> frozenset[str]:
        held = self._supported.get(bot.self_id)
        if held is not None:
            return held
        try:
            listed = await asyncio.wait_for(bot.call_api("get_supported_actions"), ASK_TIMEOUT)
        except Exception as error:
            log.info("bridge of %s did not list its actions: %r", bot.self_id, error)
            listed = []
        actions = frozenset(str(a) for a in listed) if isinstance(listed, list) else frozenset()
        self._supported[bot.self_id] = actions
        return actions

    # -- messages out ------------------------------------------------------------------------

    def private_scene(self, user: User) -> Scene:
        return builder.private_scene(user.id, user.name)

    async def send(self, scene: Scene, message: Message) -> str:
        bot = self.bot_for(scene.id)
        file_ids = await self._upload_images(bot, message)
        segments = export(message, file_ids)
        if not segments:
            return ""
        if scene.is_private:
            target: dict[str, Any] = {
                "detail_type": "private",
                "user_id": scene.id.removeprefix("private:"),
            }
        else:
            target = {"detail_type": "group", "group_id": scene.id}
        result = await bot.call_api("send_message", message=segments, **target)
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    async def _upload_images(self, bot: Bot, message: Message) -> dict[str, str]:
        """v12 sends images by file id: upload each (by URL or local path) first."""
        file_ids: dict[str, str] = {}
        for segment in message:
            if not isinstance(segment, Image) or segment.url in file_ids:
                continue
            remote = segment.url.startswith(("http://", "https://"))
            source = {"url": segment.url} if remote else {"path": segment.url}
            try:
                result = await bot.call_api(
                    "upload_file", type="url" if remote else "path", name="image", **source
                )
            except Exception as error:
                log.warning("could not upload image %.100s: %r", segment.url, error)
                continue
            if isinstance(result, dict) and result.get("file_id"):
                file_ids[segment.url] = str(result["file_id"])
        return file_ids

    # -- actions -----------------------------------------------------------------------------

    async def delete(self, scene: Scene, message_id: str) -> None:
        bot = self.bot_for(scene.id)
        try:
            await bot.call_api("delete_message", message_id=message_id)
        except ActionFailed as error:
            log.warning("delete_message in %s refused: %s", scene.key, error)
            raise NotSupported(self.platform, "delete") from error

    async def kick(self, scene: Scene, user: User) -> None:
        bot = self.bot_for(scene.id)
        supported = await self._supported_actions(bot)
        action = next((a for a in self.settings.kick_candidates() if a in supported), None)
        if action is None:
            raise NotSupported(self.platform, "kick")
        try:
            await bot.call_api(action, group_id=scene.id, user_id=user.id)
        except ActionFailed as error:
            log.warning("%s in %s refused: %s", action, scene.key, error)
            raise NotSupported(self.platform, "kick") from error
