"""Updates in: validate each update alone, turn it into a Shequn event, or skip it with a log.

An update aiogram rejects for one field still gives its message's text, sender and chat
(:mod:`.salvage`); polling and the webhook both come through here.

Callback queries are answered here, before any handler runs, so the client's spinner stops
whatever the plugins do. Joins through a link the bot made for a member are credited to that
member (see :mod:`adapters.telegram.invites`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, ChatMemberUpdated, Update
from pydantic import ValidationError

from adapters.telegram import PLATFORM, builder, invites, salvage
from adapters.telegram.builder import Builder, KnownUsers, user_of
from adapters.telegram.exporter import LongData
from shequn import App, Event, MemberJoined, MemberLeft, Scene, User

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger("shequn.telegram")

Answer = Callable[[str, str | None], Awaitable[object]]
"""Answer a callback query (id, optional text)."""


class Inbound:
    def __init__(
        self,
        app: App,
        bot: Bot,
        me: User,
        username: str,
        long_data: LongData,
        answer: Answer,
        forget_admins: Callable[[str], None],
    ) -> None:
        self.app = app
        self.bot = bot
        self.me = me
        self.known = KnownUsers()
        self.long_data = long_data
        self.make = Builder(me, username, self._resolve)
        self._username = username.lower()
        self._answer = answer
        self._forget_admins = forget_admins

    def _resolve(self, username: str) -> User | None:
        if self._username and username.lower() == self._username:
            return self.me
        return self.known.get(username)

    async def event_of(self, raw: Any) -> Event | None:
        """The event ``raw`` stands for; None (logged) for malformed or unhandled updates."""
        update = self.validate(raw)
        if update is None:
            return None
        try:
            return await self.translate(update)
        except Exception:
            log.exception("Telegram update %s could not be handled", update.update_id)
            return None

    def validate(self, raw: Any) -> Update | None:
        """``raw`` as aiogram's ``Update``. When a field fails: fields older recordings lack
        are given safe defaults (logged at INFO, nothing is lost), else what Shequn reads is
        rebuilt (see :mod:`.salvage`) and the rest skipped with a warning."""

        def check(data: Any) -> Update:
            return Update.model_validate(data, context={"bot": self.bot})

        try:
            return check(raw)
        except ValidationError as error:
            ident = raw.get("update_id") if isinstance(raw, dict) else None
            if isinstance(raw, dict):
                update, filled, error = salvage.fill(raw, error, check)
                if update is not None:
                    log.info(
                        "Telegram update %s lacked fields; filled with safe defaults: %s",
                        ident,
                        ", ".join(filled),
                    )
                    return update
            smaller = salvage.minimal(raw) if isinstance(raw, dict) else None
            if smaller is not None:
                try:
                    update = check(smaller)
                except ValidationError as again:
                    update, _, _ = salvage.fill(smaller, again, check)
                if update is not None:
                    log.warning(
                        "Telegram update %s read partly; skipped what failed: %s",
                        ident,
                        salvage.where(error),
                    )
                    return update
            log.warning("malformed Telegram update %s skipped: %s", ident, salvage.where(error))
            return None

    async def translate(self, update: Update) -> Event | None:
        now = self.app.clock.now()
        if update.message is not None:
            self.known.see(update.message.from_user)
            return self.make.message(update.message, now)
        if update.callback_query is not None:
            return await self.pressed(update.callback_query, now)
        if update.chat_member is not None:
            return await self.membership(update.update_id, update.chat_member)
        if update.chat_join_request is not None:
            self.known.see(update.chat_join_request.from_user)
            return self.make.join_request(update.update_id, update.chat_join_request, now)
        log.debug("Telegram update %s of a kind not handled: skipped", update.update_id)
        return None

    async def pressed(self, query: CallbackQuery, now: datetime) -> Event | None:
        data = self.long_data.restore(query.data) if query.data is not None else None
        text: str | None = None
        if query.data is not None and data is None:
            scene = builder.scene_of(query.message.chat) if query.message else None
            locale = self.app.group_locale(scene.group_key) if scene else self.app.settings.locale
            text = self.app.translator.translate(PLATFORM, locale, "button.expired")
        try:
            await self._answer(query.id, text)
        except TelegramAPIError:
            log.warning("could not answer callback query %s", query.id, exc_info=True)
        if data is None:
            return None
        return self.make.press(query.model_copy(update={"data": data}), now)

    async def membership(self, update_id: int, change: ChatMemberUpdated) -> Event | None:
        scene = builder.scene_of(change.chat)
        if scene is None:
            return None
        member = change.new_chat_member.user
        self.known.see(member)
        self._forget_admins(scene.id)
        kind = builder.membership_change(change)
        user = user_of(member)
        when = change.date
        ident = str(update_id)
        if kind == "joined":
            inviter, via = await self.inviter(scene, change)
            return MemberJoined(
                id=ident,
                platform=PLATFORM,
                scene=scene,
                user=user,
                time=when,
                self_id=self.me.id,
                inviter=inviter,
                invited_via=via,
            )
        if kind == "left":
            by_other = change.from_user.id != member.id
            return MemberLeft(
                id=ident,
                platform=PLATFORM,
                scene=scene,
                user=user,
                time=when,
                self_id=self.me.id,
                operator=user_of(change.from_user) if by_other else None,
                kicked=by_other or builder.status_of(change.new_chat_member) == "kicked",
            )
        return None

    async def inviter(
        self, scene: Scene, change: ChatMemberUpdated
    ) -> tuple[User | None, str | None]:
        """Who brought the member in, and how that is known."""
        link = change.invite_link
        member = change.new_chat_member.user
        if link is not None:
            via = f"invite_link:{link.name or link.invite_link}"
            owner = await self.app.db.read(invites.owner_of(link.invite_link))
            if owner is not None:
                return User(platform=PLATFORM, id=owner.user_id, name=owner.user_name), via
            if not link.creator.is_bot:
                return user_of(link.creator), via  # a link an admin made
            return None, via
        if change.via_join_request:
            return None, "join_request"
        if change.from_user.id != member.id:
            return user_of(change.from_user), "added_by"
        return None, None
