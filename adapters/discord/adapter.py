"""The Discord adapter: a discord.py 2 client (auto-sharded when ``shards`` is set).

Gateway events become Shequn events (messages, slash commands, button presses, joins with
invite attribution, leaves); actions go through discord.py's HTTP client. A malformed event
from the gateway is logged and skipped; the connection and the bot keep going.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import PLATFORM, slash
from adapters.discord.builder import (
    button_event,
    command_event,
    interaction_scene,
    joined_event,
    left_event,
    message_event,
)
from adapters.discord.exporter import export, is_id
from adapters.discord.interaction_payload import InteractionPayloads, member_defaults
from adapters.discord.invite_store import InviteStore
from adapters.discord.invites import InviteInfo, InviteTracker, Personal
from adapters.discord.media import clean_payload
from adapters.discord.replies import CURRENT, InteractionReply, answer
from adapters.discord.settings import DiscordSettings
from shequn import (
    Adapter,
    App,
    Capabilities,
    JobContext,
    Level,
    Message,
    NotSupported,
    Scene,
    SceneKind,
    User,
)
from shequn.internal.arguments import Param
from shequn.internal.dedup import RecentKeys
from shequn.internal.plugin import CommandSpec

log = logging.getLogger("shequn.discord")

MAX_TIMEOUT = timedelta(days=28)
"""Discord's longest timeout."""
INTERACTION_TTL = 15 * 60.0
"""An interaction's token is valid for 15 minutes; after that it cannot come back."""
BUTTON = 2
"""The component type of a button."""
SUGGEST_WITHIN = 2.0
"""Seconds a plugin's choices may take: Discord drops an autocomplete answer after 3."""


class DiscordAdapter(Adapter):
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
    )

    def __init__(self, app: App, options: DiscordSettings) -> None:
        super().__init__(app)
        self.options = options
        self.client = _make_client(options)
        self.ready = asyncio.Event()
        self.slash = slash.SlashCommands()
        store = InviteStore(app.db, lambda: app.clock.now().timestamp())
        self.invites = InviteTracker(self._fetch_invites, self._fetch_vanity, "", store)
        self._kicked: set[tuple[int, int]] = set()
        self._interactions = RecentKeys(capacity=10_000, ttl=INTERACTION_TTL)
        self._synced = False
        self._saved_urls: tuple[str, yarl.URL] | None = None
        self._payloads = InteractionPayloads(
            self.client._connection, lambda: self.client.application_id
        )
        _guard_parsers(
            self.client,
            {"INTERACTION_CREATE": self._payloads.prepare, "GUILD_MEMBER_ADD": member_defaults},
        )
        for handler in (
            self.on_ready,
            self.on_message,
            self.on_interaction,
            self.on_member_join,
            self.on_raw_member_remove,
            self.on_guild_available,
            self.on_guild_join,
            self.on_guild_remove,
        ):
            setattr(self.client, handler.__name__, handler)

    @property
    def bot_id(self) -> str:
        user = self.client.user
        return str(user.id) if user is not None else ""

    # -- running -------------------------------------------------------------------------

    async def run(self) -> None:
        self._point_at_server()
        self.slash = self._build_slash()
        await self.invites.load()
        try:
            await self.client.start(self.options.token.get_secret_value().strip())
        except discord.LoginFailure:
            raise RuntimeError("Discord refused the bot token ([discord] token)") from None
        except discord.PrivilegedIntentsRequired:
            raise RuntimeError(
                "Discord refused the privileged intents: switch on Server Members Intent and "
                "Message Content Intent on the bot's page in the Developer Portal, or set "
                "[discord] message_content = false"
            ) from None

    async def stop(self) -> None:
        if not self.client.is_closed():
            await self.client.close()
        if self._saved_urls is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved_urls
            self._saved_urls = None

    def _point_at_server(self) -> None:
        """Use another API base and gateway (a compatible or local test server) if set."""
        if not (self.options.api_base or self.options.gateway_url):
            return
        self._saved_urls = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        if self.options.api_base:
            Route.BASE = self.options.api_base.rstrip("/")
        if self.options.gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.options.gateway_url)

    # -- translations --------------------------------------------------------------------

    def t(self, scene: Scene | None, key: str, /, **values: Any) -> str:
        locale = self.app.group_locale(scene.group_key) if scene else self.app.settings.locale
        return self.app.translator.translate(PLATFORM, locale, key, **values)

    # -- slash commands ------------------------------------------------------------------

    def _build_slash(self) -> slash.SlashCommands:
        translator = self.app.translator

        def describe(spec: CommandSpec, locale: str) -> str:
            if translator.has(spec.plugin.name, spec.help_key) or translator.has(
                "core", spec.help_key
            ):
                return translator.translate(spec.plugin.name, locale, spec.help_key)
            return spec.name

        def describe_option(param: Param, locale: str) -> str:
            kind = "choice" if isinstance(param.kind, tuple) else param.kind.__name__.lower()
            if param.rest:
                kind = "rest"
            what = translator.translate(PLATFORM, locale, f"option.{kind}")
            return translator.translate(PLATFORM, locale, "option", name=param.name, kind=what)

        def describe_admin(top: str, locale: str) -> str:
            return translator.translate(PLATFORM, locale, "slash.admin_group", name=top)

        return slash.build(
            self.app.registry.unique_commands(),
            describe,
            describe_option,
            self.app.settings.locale,
            describe_admin,
        )

    async def sync_commands(self) -> None:
        """Publish the slash commands: to ``guild_ids`` at once, else globally."""
        application_id = self.options.application_id or self.client.application_id
        if application_id is None:
            log.warning("no application id: slash commands are not published")
            return
        payload = self.slash.payload
        http = self.client.http
        try:
            if self.options.guild_ids:
                for guild_id in self.options.guild_ids:
                    await http.bulk_upsert_guild_commands(application_id, guild_id, payload)
            else:
                await http.bulk_upsert_global_commands(application_id, payload)
        except discord.HTTPException as error:
            log.error("publishing %d slash commands failed: %s", len(payload), error)
            return
        log.info("published %d slash commands", len(payload))

    # -- gateway events ------------------------------------------------------------------

    async def on_ready(self) -> None:
        self.invites.bot_id = self.bot_id
        log.info("connected to Discord as %s (%s)", self.client.user, self.bot_id)
        if self.options.sync_commands and not self._synced:
            self._synced = True
            await self.sync_commands()
        self.ready.set()

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.invites.refresh(guild.id)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.invites.refresh(guild.id)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.invites.forget(guild.id)

    async def on_message(self, message: discord.Message) -> None:
        await _safely("message", self._on_message(message))

    async def _on_message(self, message: discord.Message) -> None:
        event = message_event(message, self.bot_id)
        if event is not None:
            await self.app.dispatch(event)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await _safely("interaction", self._on_interaction(interaction))

    async def _on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        channel_id = self._payloads.channel_id(interaction.id)
        # An interaction can be answered once: a repeated delivery must not try again.
        if not self._interactions.first_time(str(interaction.id), time.monotonic()):
            log.debug("interaction %s delivered again: skipped", interaction.id)
            return
        data: Mapping[str, Any] = interaction.data or {}
        scene = interaction_scene(interaction, channel_id)
        kind = interaction.type
        if kind is discord.InteractionType.application_command:
            await self._on_command(interaction, scene, data)
        elif kind is discord.InteractionType.autocomplete:
            await self._on_autocomplete(interaction, scene, data)
        elif kind in (discord.InteractionType.component, discord.InteractionType.modal_submit):
            # Acknowledge at once, so the member's client stops waiting, however long the
            # handlers take.
            await interaction.response.defer()
            custom_id = data.get("custom_id")
            if kind is discord.InteractionType.modal_submit:
                log.debug("modal %r submitted: acknowledged (the bot opens no modals)", custom_id)
            elif data.get("component_type") != BUTTON:
                log.info("component %r is not a button (the bot sends only buttons)", custom_id)
            elif isinstance(custom_id, str):
                await self.app.dispatch(button_event(interaction, scene, custom_id, self.bot_id))
            else:
                log.warning("component interaction %s without custom_id: skipped", interaction.id)
        else:
            log.debug("interaction of type %s ignored", kind)

    async def _on_command(
        self, interaction: discord.Interaction[Any], scene: Scene, data: Mapping[str, Any]
    ) -> None:
        prefix = self.app.settings.commands.prefixes[0]
        found = slash.invocation(self.slash.routes, data, prefix, PLATFORM)
        if found is None:
            log.warning(
                "slash command %r is not known (published by an older version?)", data.get("name")
            )
            await interaction.response.send_message(self.t(None, "slash.unknown"), ephemeral=True)
            return
        event = command_event(interaction, scene, found.message, self.bot_id)
        reply = InteractionReply(interaction, event.scene)
        await answer(
            reply,
            self.app.dispatch(event),
            self.options.defer_after,
            self.t(event.scene, "slash.done"),
        )

    async def _on_autocomplete(
        self, interaction: discord.Interaction[Any], scene: Scene, data: Mapping[str, Any]
    ) -> None:
        """Suggest the current values of the argument being typed (always answered, maybe
        with none)."""
        suggested: list[tuple[str, str | int | float]] = []
        found = slash.focus(self.slash.routes, data)
        if found is not None and self._may_suggest(found.command, scene):
            ctx = JobContext(self.app, found.command.plugin, scene)
            try:
                listed = await asyncio.wait_for(found.source(ctx), SUGGEST_WITHIN)
            except Exception:
                log.warning("choices for /%s failed", found.command.name, exc_info=True)
                listed = []
            suggested = slash.suggestions(found, listed)
        await interaction.response.autocomplete(
            [app_commands.Choice(name=name, value=value) for name, value in suggested]
        )

    def _may_suggest(self, command: CommandSpec, scene: Scene) -> bool:
        """Only where the command would run: its plugin on in the group, a group if needed."""
        if scene.is_private and command.group_only:
            return False
        return self.app.group_settings.is_enabled(command.plugin, scene.group_key)

    async def on_member_join(self, member: discord.Member) -> None:
        await _safely("member join", self._on_member_join(member))

    async def _on_member_join(self, member: discord.Member) -> None:
        found = await self.invites.on_join(member.guild.id)
        inviter = None
        if found.inviter is not None:
            user_id, name = found.inviter
            cached = member.guild.get_member(int(user_id))
            inviter = User(
                platform=PLATFORM,
                id=user_id,
                name=cached.display_name if cached else name,
                is_bot=cached.bot if cached else False,
            )
        await self.app.dispatch(joined_event(member, self.bot_id, inviter, found.via))

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await _safely("member leave", self._on_member_remove(payload))

    async def _on_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if str(payload.user.id) == self.bot_id:
            return
        key = (payload.guild_id, payload.user.id)
        kicked = key in self._kicked
        self._kicked.discard(key)
        guild = self.client.get_guild(payload.guild_id)
        name = guild.name if guild else ""
        event = left_event(payload.guild_id, name, payload.user, self.bot_id, kicked=kicked)
        await self.app.dispatch(event)

    # -- sending -------------------------------------------------------------------------

    async def send(self, scene: Scene, message: Message) -> str:
        parts = export(message)
        reply = CURRENT.get()
        if reply is not None and reply.scene.key == scene.key:
            return [await reply.send(part) for part in parts][-1]
        channel = await self._messageable(scene)
        last = ""
        for part in parts:
            kwargs = part.kwargs()
            if part.reply_to is not None:
                kwargs["reference"] = discord.MessageReference(
                    message_id=part.reply_to, channel_id=channel.id, fail_if_not_exists=False
                )
            sent = await channel.send(**kwargs)
            last = str(sent.id)
        return last

    async def _messageable(self, scene: Scene) -> Any:
        """A channel to send to: the channel, a server's system channel, or a DM."""
        if scene.kind is SceneKind.CHANNEL:
            guild_id = _snowflake(scene.group.id) if scene.parent else None
            return self.client.get_partial_messageable(_snowflake(scene.id), guild_id=guild_id)
        if scene.kind is SceneKind.PRIVATE:
            user_id = _snowflake(scene.id)
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            return await user.create_dm()
        guild = await self._guild(scene)
        channel = _writable_channel(guild)
        if channel is None:
            raise NotSupported(PLATFORM, "send")
        return channel

    async def _guild(self, scene: Scene) -> discord.Guild:
        guild_id = _snowflake(scene.group.id)
        guild = self.client.get_guild(guild_id)
        if guild is None:
            guild = await self.client.fetch_guild(guild_id)
        return guild

    # -- roles and actions ---------------------------------------------------------------

    async def role_of(self, scene: Scene, user: User) -> Level:
        if scene.is_private or not is_id(user.id):
            return Level.MEMBER
        guild = await self._guild(scene)
        if guild.owner_id == int(user.id):
            return Level.OWNER
        member = guild.get_member(int(user.id))
        if member is None:
            try:
                member = await guild.fetch_member(int(user.id))
            except discord.NotFound:
                return Level.MEMBER
        permissions = member.guild_permissions
        if permissions.administrator or permissions.manage_guild:
            return Level.ADMIN
        return Level.MEMBER

    async def _act(self, action: str, call: Awaitable[Any]) -> Any:
        """Run an HTTP action; missing permissions become :class:`NotSupported`."""
        try:
            return await call
        except discord.Forbidden as error:
            log.warning("Discord refused %s: %s", action, error.text)
            raise NotSupported(PLATFORM, action) from error

    async def kick(self, scene: Scene, user: User) -> None:
        guild_id, user_id = _snowflake(scene.group.id), _snowflake(user.id)
        self._kicked.add((guild_id, user_id))
        try:
            await self._act("kick", self.client.http.kick(user_id, guild_id))
        except discord.NotFound:
            self._kicked.discard((guild_id, user_id))
            log.info("kick: %s is not in server %s any more", user.key, guild_id)
        except Exception:
            self._kicked.discard((guild_id, user_id))
            raise

    async def ban(self, scene: Scene, user: User) -> None:
        guild_id, user_id = _snowflake(scene.group.id), _snowflake(user.id)
        await self._act("ban", self.client.http.ban(user_id, guild_id, 0))

    async def unban(self, scene: Scene, user: User) -> None:
        guild_id, user_id = _snowflake(scene.group.id), _snowflake(user.id)
        try:
            await self._act("unban", self.client.http.unban(user_id, guild_id))
        except discord.NotFound:
            log.info("unban: %s was not banned in server %s", user.key, guild_id)

    async def mute(self, scene: Scene, user: User, seconds: int) -> None:
        """A Discord timeout (at most 28 days); 0 lifts it."""
        guild_id, user_id = _snowflake(scene.group.id), _snowflake(user.id)
        until: str | None = None
        if seconds > 0:
            length = min(timedelta(seconds=seconds), MAX_TIMEOUT)
            until = (datetime.now(UTC) + length).isoformat()
        await self._act(
            "mute",
            self.client.http.edit_member(guild_id, user_id, communication_disabled_until=until),
        )

    async def delete(self, scene: Scene, message_id: str) -> None:
        channel = await self._messageable(scene)
        try:
            await self._act("delete", channel.get_partial_message(_snowflake(message_id)).delete())
        except discord.NotFound:
            log.info("delete: message %s is gone already", message_id)

    async def edit(self, scene: Scene, message_id: str, message: Message) -> None:
        part = export(message, uploads=False)[0]
        channel = await self._messageable(scene)
        kwargs = part.kwargs()
        kwargs.setdefault("content", None)
        kwargs.setdefault("view", None)
        target = channel.get_partial_message(_snowflake(message_id))
        await self._act("edit", target.edit(**kwargs))

    async def pin(self, scene: Scene, message_id: str) -> None:
        channel = await self._messageable(scene)
        await self._act("pin", channel.get_partial_message(_snowflake(message_id)).pin())

    async def create_invite(self, scene: Scene, user: User, name: str) -> str:
        """A personal invite that never expires; joins through it name ``user`` as inviter."""
        guild = await self._guild(scene)
        channel: Any = None
        if scene.kind is SceneKind.CHANNEL:
            channel = guild.get_channel(_snowflake(scene.id))
        if not isinstance(channel, discord.TextChannel):
            channel = _writable_channel(guild)
        if channel is None:
            raise NotSupported(PLATFORM, "invite")
        # Under the server's lock: a join examined meanwhile cannot drop the new invite.
        async with self.invites.lock(guild.id):
            invite = await self._act(
                "invite",
                channel.create_invite(
                    max_age=0, max_uses=0, unique=True, reason=name[:400] or None
                ),
            )
            info = InviteInfo(uses=0, max_uses=0, inviter_id=self.bot_id, inviter_name="")
            owner = Personal(user.id, user.name, name)
            await self.invites.remember_personal(guild.id, invite.code, info, owner)
        return str(invite.url)

    async def member_count(self, scene: Scene) -> int:
        guild = await self._guild(scene)
        if guild.member_count is not None:
            return guild.member_count
        counted = await self.client.fetch_guild(guild.id, with_counts=True)
        return counted.approximate_member_count or 0

    # -- invite reads for the tracker ----------------------------------------------------

    async def _fetch_invites(self, guild_id: int) -> list[Mapping[str, Any]]:
        return list(await self.client.http.invites_from(guild_id))

    async def _fetch_vanity(self, guild_id: int) -> int | None:
        guild = self.client.get_guild(guild_id)
        if guild is None or "VANITY_URL" not in guild.features:
            return None
        data = await self.client.http.get_vanity_code(guild_id)
        return int(data.get("uses") or 0)


def _make_client(options: DiscordSettings) -> discord.Client:
    intents = discord.Intents.default()
    intents.members = True  # joins and leaves, member roles for permission levels
    intents.message_content = options.message_content
    kwargs: dict[str, Any] = {
        "intents": intents,
        "chunk_guilds_at_startup": False,  # members are fetched when needed
        "enable_debug_events": False,
    }
    if options.application_id is not None:
        kwargs["application_id"] = options.application_id
    if options.shards is not None:
        return discord.AutoShardedClient(shard_count=options.shards, **kwargs)
    return discord.Client(**kwargs)


MESSAGE_EVENTS = frozenset({"MESSAGE_CREATE", "MESSAGE_UPDATE"})


def _guard_parsers(client: discord.Client, prepare: Mapping[str, Callable[[Any], None]]) -> None:
    """A gateway event discord.py cannot parse is logged and skipped, not fatal; a message
    loses only its malformed attachments or stickers, not its text. ``prepare`` fixes the
    payloads of other events (by name) before discord.py reads them."""
    state = client._connection
    parsers: dict[str, Callable[[Any], Any]] = state.parsers

    def guarded(name: str, parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
        fix = prepare.get(name)

        def run(data: Any) -> Any:
            try:
                if name in MESSAGE_EVENTS:
                    clean_payload(data, state)
                elif fix is not None:
                    fix(data)
                return parse(data)
            except Exception:
                log.warning("skipped a malformed %s event: %.300r", name, data, exc_info=True)
                return None

        return run

    for name, parse in list(parsers.items()):
        parsers[name] = guarded(name, parse)


async def _safely(what: str, work: Awaitable[None]) -> None:
    try:
        await work
    except Exception:
        log.exception("handling a Discord %s failed", what)


def _snowflake(value: str) -> int:
    if not is_id(value):
        raise ValueError(f"not a Discord id: {value!r}")
    return int(value)


def _writable_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """The server's system channel, else its first text channel the bot may write in."""
    me = guild.me
    candidates = [guild.system_channel, *guild.text_channels]
    for channel in candidates:
        if channel is not None and (me is None or channel.permissions_for(me).send_messages):
            return channel
    return None
