"""The Telegram adapter: aiogram's Bot over HTTP to the Bot API server at ``api_base``.

Updates arrive by long polling (:mod:`.polling`) or by the webhook route (:mod:`.webhook`);
:mod:`.inbound` turns each into an event for the app's intake (ordered per chat). Everything
the bot says or does goes through the :class:`~.pacing.Pacer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeDefault,
    ChatPermissions,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from aiogram.types import Message as SentMessage

from adapters.telegram import PLATFORM, commands, invites, polling, webhook
from adapters.telegram.admins import Admins
from adapters.telegram.builder import user_of
from adapters.telegram.exporter import CAPTION_LIMIT, Chunk, LongData, Media, Outgoing, export
from adapters.telegram.inbound import Inbound
from adapters.telegram.pacing import Pacer
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.titles import custom_title
from shequn import Adapter, App, Capabilities, Level, Message, NotSupported, Scene, User

log = logging.getLogger("shequn.telegram")

T = TypeVar("T")
MIN_MUTE = 30
"""Seconds; Telegram treats a shorter restriction as one for ever."""
_RIGHTS = ("not enough rights", "need administrator", "chat_admin_required", "can't remove")
_GONE_TOPIC = ("thread not found", "topic_deleted", "topic_closed", "topic_id_invalid")
"""How Telegram refuses a send to a forum topic that was deleted or closed meanwhile."""


def thread_of(scene: Scene) -> int | None:
    """The ``message_thread_id`` a send in ``scene`` carries (None: the chat itself)."""
    return int(scene.thread) if scene.thread.isdigit() else None


def _permissions(allowed: bool) -> ChatPermissions:
    return ChatPermissions(
        can_send_messages=allowed,
        can_send_audios=allowed,
        can_send_documents=allowed,
        can_send_photos=allowed,
        can_send_videos=allowed,
        can_send_video_notes=allowed,
        can_send_voice_notes=allowed,
        can_send_polls=allowed,
        can_send_other_messages=allowed,
        can_add_web_page_previews=allowed,
    )


class TelegramAdapter(Adapter):
    platform = PLATFORM
    capabilities = Capabilities(
        buttons=True,
        mentions=True,
        images=True,
        replies=True,
        delete=True,
        kick=True,
        mute=True,
        ban=True,
        edit=True,
        pin=True,
        invite_links=True,
        join_requests=True,
        titles=True,
    )

    def __init__(self, app: App, settings: TelegramSettings) -> None:
        super().__init__(app)
        self.settings = settings
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base))
        self.bot = Bot(settings.token.get_secret_value(), session=session)
        self.pacer = Pacer(
            group_per_minute=settings.group_messages_per_minute,
            private_per_second=settings.private_messages_per_second,
            overall_per_second=settings.messages_per_second,
        )
        self.pace = self.pacer.pace
        self.long_data = LongData()
        self.admins = Admins(self._fetch_admins, settings.admin_cache_seconds)
        self.inbound: Inbound | None = None
        self.ready = asyncio.Event()
        """Set once the bot knows who it is (getMe answered)."""
        self._stopped = asyncio.Event()
        self._handling: set[asyncio.Task[None]] = set()
        if settings.mode == "webhook":
            webhook.install(
                app.web.app,
                settings.webhook_path,
                settings.webhook_secret.get_secret_value(),
                self.accept,
            )

    # -- running ---------------------------------------------------------------------------

    async def run(self) -> None:
        await self.introduce()
        if self.settings.mode == "webhook":
            await self.call(
                lambda: self.bot.set_webhook(
                    url=self.settings.webhook_url,
                    secret_token=self.settings.webhook_secret.get_secret_value(),
                    allowed_updates=polling.ALLOWED_UPDATES,
                )
            )
            log.info("Telegram webhook set; updates arrive at %s", self.settings.webhook_path)
            await self._stopped.wait()
        else:
            await self.call(self.bot.delete_webhook)
            await polling.poll(self.bot, self.settings.poll_timeout, self.handle, self._stopped)

    async def introduce(self) -> None:
        """Who the bot is (``/cmd@name`` depends on it), then its command menu."""
        me = await self.call(self.bot.get_me)
        username = me.username or ""
        self.inbound = Inbound(
            self.app,
            self.bot,
            user_of(me),
            username,
            self.long_data,
            self._answer_query,
            self.admins.forget,
        )
        self.app.set_bot_names(PLATFORM, [username] if username else [])
        self.ready.set()
        log.info("Telegram bot @%s (%s) ready", username, me.id)
        await self.publish_commands()

    async def publish_commands(self) -> None:
        """``setMyCommands`` for each audience (members; chat administrators), in the
        default language and in each shipped locale."""
        plans: list[tuple[str, str | None]] = [(self.app.settings.locale, None)]
        plans.extend(commands.LANGUAGES.items())
        for audience, level in commands.AUDIENCES.items():
            for locale, code in plans:
                menu = [
                    BotCommand(command=e.command, description=e.description)
                    for e in commands.menu(self.app, locale, level)
                ]
                try:
                    await self.call(self._set_commands(menu, audience, code))
                except TelegramAPIError:
                    log.warning(
                        "could not set the %s command menu for %s", audience, code or "default"
                    )

    def _set_commands(
        self, menu: list[BotCommand], audience: str, code: str | None
    ) -> Callable[[], Awaitable[bool]]:
        scope = (
            BotCommandScopeAllChatAdministrators()
            if audience == "all_chat_administrators"
            else BotCommandScopeDefault()
        )
        return lambda: self.bot.set_my_commands(menu, scope=scope, language_code=code)

    async def stop(self) -> None:
        self._stopped.set()
        for task in list(self._handling):
            task.cancel()
        with contextlib.suppress(Exception):
            await self.bot.session.close()

    # -- updates in ------------------------------------------------------------------------

    async def accept(self, raw: dict[str, Any]) -> None:
        """From the webhook: handled in the background, Telegram gets its answer at once."""
        task = asyncio.create_task(self.handle(raw))
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)

    async def handle(self, raw: Any) -> None:
        """One update to the intake, or skipped with a log line; never raises."""
        await self.ready.wait()
        assert self.inbound is not None
        event = await self.inbound.event_of(raw)
        if event is not None:
            self.app.submit(event)

    async def drain(self) -> None:
        """Wait for updates still being translated and the events they made (tests)."""
        while self._handling:
            await asyncio.gather(*self._handling, return_exceptions=True)
        await self.app.intake.drain()

    async def _answer_query(self, query_id: str, text: str | None) -> object:
        return await self.call(lambda: self.bot.answer_callback_query(query_id, text=text))

    async def _fetch_admins(self, chat: int) -> Any:
        return await self.call(lambda: self.bot.get_chat_administrators(chat))

    # -- calls out -------------------------------------------------------------------------

    async def call(self, request: Callable[[], Awaitable[T]]) -> T:
        """An unpaced API call that waits out 429s; ``request`` makes a fresh call each time."""
        return await self.pacer.retrying(request)

    async def in_chat(
        self,
        scene: Scene,
        action: str,
        request: Callable[[], Awaitable[T]],
        *,
        paced: bool = False,
    ) -> T:
        """A call in ``scene``'s turn; refusals for lack of rights become :class:`NotSupported`."""
        try:
            return await self.pacer.send(scene.id, not scene.is_private, request, paced=paced)
        except (TelegramForbiddenError, TelegramBadRequest) as error:
            if isinstance(error, TelegramForbiddenError) or any(
                words in error.message.lower() for words in _RIGHTS
            ):
                log.warning("Telegram refused %s in %s: %s", action, scene.key, error.message)
                raise NotSupported(PLATFORM, action) from error
            raise

    # -- sending ---------------------------------------------------------------------------

    def _export(self, scene: Scene, message: Message) -> Outgoing:
        locale = self.app.group_locale(scene.group_key)
        prompt = self.app.translator.translate(PLATFORM, locale, "buttons.prompt")
        return export(message, self.long_data, prompt)

    async def send(self, scene: Scene, message: Message) -> str:
        """Photos first (the last one captioned when the text fits), then the text; the
        keyboard rides on the last message. Returns the id of that last message.

        In a forum topic, everything goes to that topic; if the topic is gone (deleted or
        closed since, say, a lottery was started in it), to the chat's General topic."""
        try:
            return await self._send(scene, message)
        except TelegramBadRequest as error:
            if not scene.thread or not any(w in error.message.lower() for w in _GONE_TOPIC):
                raise
            log.warning(
                "topic %s of %s is gone (%s); sending to the chat",
                scene.thread,
                scene.key,
                error.message,
            )
        return await self._send(replace(scene, thread=""), message)

    async def _send(self, scene: Scene, message: Message) -> str:
        out = self._export(scene, message)
        chunks = list(out.chunks)
        reply = (
            ReplyParameters(message_id=out.reply_to, allow_sending_without_reply=True)
            if out.reply_to is not None
            else None
        )
        last = ""
        for index, photo in enumerate(out.photos):
            caption: Chunk | None = None
            final = index == len(out.photos) - 1
            fits = len(chunks) == 1 and len(chunks[0].text) <= CAPTION_LIMIT
            if final and fits and photo.takes_caption:
                caption = chunks.pop()
            markup = out.keyboard if final and not chunks else None
            sent = await self.in_chat(
                scene, "send", self._media(scene, photo, caption, markup, reply), paced=True
            )
            last, reply = str(sent.message_id), None
        for index, chunk in enumerate(chunks):
            markup = out.keyboard if index == len(chunks) - 1 else None
            sent = await self.in_chat(
                scene, "send", self._text(scene, chunk, markup, reply), paced=True
            )
            last, reply = str(sent.message_id), None
        return last

    def _text(
        self,
        scene: Scene,
        chunk: Chunk,
        markup: InlineKeyboardMarkup | None,
        reply: ReplyParameters | None,
    ) -> Callable[[], Awaitable[SentMessage]]:
        return lambda: self.bot.send_message(
            int(scene.id),
            chunk.text,
            entities=list(chunk.entities) or None,
            reply_markup=markup,
            reply_parameters=reply,
            parse_mode=None,
            message_thread_id=thread_of(scene),
        )

    def _media(
        self,
        scene: Scene,
        media: Media,
        caption: Chunk | None,
        markup: InlineKeyboardMarkup | None,
        reply: ReplyParameters | None,
    ) -> Callable[[], Awaitable[SentMessage]]:
        chat, thread = int(scene.id), thread_of(scene)
        if media.kind == "sticker":
            return lambda: self.bot.send_sticker(
                chat,
                media.file,
                reply_markup=markup,
                reply_parameters=reply,
                message_thread_id=thread,
            )
        captioned: dict[str, Any] = {
            "message_thread_id": thread,
            "caption": caption.text if caption else None,
            "caption_entities": list(caption.entities) if caption else None,
            "reply_markup": markup,
            "reply_parameters": reply,
            "parse_mode": None,
        }
        if media.kind == "document":
            return lambda: self.bot.send_document(chat, media.file, **captioned)
        return lambda: self.bot.send_photo(chat, media.file, **captioned)

    async def edit(self, scene: Scene, message_id: str, message: Message) -> None:
        out = self._export(scene, message)
        if not out.chunks:
            raise NotSupported(PLATFORM, "edit")
        chunk = out.chunks[0]
        await self.in_chat(
            scene,
            "edit",
            lambda: self.bot.edit_message_text(
                text=chunk.text,
                chat_id=int(scene.id),
                message_id=int(message_id),
                entities=list(chunk.entities) or None,
                reply_markup=out.keyboard,
                parse_mode=None,
            ),
            paced=True,
        )

    # -- acting on messages and members ----------------------------------------------------

    async def delete(self, scene: Scene, message_id: str) -> None:
        await self.in_chat(
            scene, "delete", lambda: self.bot.delete_message(int(scene.id), int(message_id))
        )

    async def pin(self, scene: Scene, message_id: str) -> None:
        await self.in_chat(
            scene,
            "pin",
            lambda: self.bot.pin_chat_message(
                int(scene.id), int(message_id), disable_notification=True
            ),
        )

    async def mute(self, scene: Scene, user: User, seconds: int) -> None:
        """Restrict until now + ``seconds`` (at least 30 s); 0 gives the rights back."""
        until = timedelta(seconds=max(seconds, MIN_MUTE)) if seconds > 0 else None
        await self.in_chat(
            scene,
            "mute",
            lambda: self.bot.restrict_chat_member(
                int(scene.id),
                int(user.id),
                _permissions(seconds <= 0),
                use_independent_chat_permissions=True,
                until_date=until,
            ),
        )

    async def ban(self, scene: Scene, user: User) -> None:
        await self.in_chat(
            scene, "ban", lambda: self.bot.ban_chat_member(int(scene.id), int(user.id))
        )

    async def unban(self, scene: Scene, user: User) -> None:
        await self.in_chat(
            scene,
            "unban",
            lambda: self.bot.unban_chat_member(int(scene.id), int(user.id), only_if_banned=True),
        )

    async def kick(self, scene: Scene, user: User) -> None:
        """Telegram has no kick: a ban lifted at once removes the member, who may come back."""
        await self.in_chat(
            scene, "kick", lambda: self.bot.ban_chat_member(int(scene.id), int(user.id))
        )
        await self.unban(scene, user)

    async def set_title(self, scene: Scene, user: User, title: str) -> None:
        """A custom admin title (see :mod:`adapters.telegram.titles`); an empty title clears
        it. Members the bot did not promote cannot get one: :class:`NotSupported`."""
        if scene.is_private or not user.id.lstrip("-").isdigit():
            raise NotSupported(PLATFORM, "title")
        shown = custom_title(title)
        chat, target = int(scene.id), int(user.id)
        try:
            await self.in_chat(
                scene,
                "title",
                lambda: self.bot.set_chat_administrator_custom_title(chat, target, shown),
            )
        except TelegramBadRequest as error:  # not an admin the bot promoted, not a supergroup
            log.info("Telegram refused the title of %s in %s: %s", user.key, scene.key, error)
            raise NotSupported(PLATFORM, "title") from error

    async def answer_join_request(
        self, scene: Scene, user: User, request_id: str, approve: bool, reason: str = ""
    ) -> None:
        chat, target = int(scene.id), int(request_id or user.id)
        if approve:
            await self.in_chat(
                scene, "join_request", lambda: self.bot.approve_chat_join_request(chat, target)
            )
        else:
            await self.in_chat(
                scene, "join_request", lambda: self.bot.decline_chat_join_request(chat, target)
            )

    async def create_invite(self, scene: Scene, user: User, name: str) -> str:
        """A named link (``name`` cut to Telegram's 32 characters), remembered as ``user``'s."""
        link = await self.in_chat(
            scene,
            "invite",
            lambda: self.bot.create_chat_invite_link(int(scene.id), name=name[:32] or None),
        )
        await self.app.db.write(
            invites.remember(
                link.invite_link,
                scene.id,
                link.name or "",
                user.id,
                user.name,
                self.app.clock.now().timestamp(),
            )
        )
        return link.invite_link

    async def role_of(self, scene: Scene, user: User) -> Level:
        if scene.is_private:
            return Level.MEMBER
        return await self.admins.level(scene.id, user.id)
