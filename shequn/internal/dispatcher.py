"""The dispatcher: de-duplicate, run middleware, route to commands and handlers.

Handlers run in priority order (lower first; commands at 100), each isolated: an exception is
logged with the plugin's name and the next handler still runs. Nothing a plugin does can
stop the dispatcher itself. Events about the bot's own account (it joined, was removed or
muted, or its own message came back) are logged and reach no plugin.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from shequn.internal.arguments import UsageError, bind, tokenize
from shequn.internal.builtin.help import group_text, unknown_subcommand_text
from shequn.internal.commands import Group, Match, Unknown, find, subcommands, suggest
from shequn.internal.context import Context, StopPropagation
from shequn.internal.cooldowns import CooldownStore, DatabaseCooldowns, MemoryCooldowns
from shequn.internal.dedup import RecentKeys, SharedKeys
from shequn.internal.event import ButtonPressed, Event, MessageEvent
from shequn.internal.permission import Level
from shequn.internal.plugin import DEFAULT_PRIORITY, HandlerSpec, Plugin
from shequn.internal.registry import Disposer

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.dispatch")

Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Context, Next], Awaitable[None]]


class Dispatcher:
    def __init__(self, app: App) -> None:
        self.app = app
        self.middlewares: list[Middleware] = []
        self.recent = RecentKeys()
        cluster = app.settings.cluster
        self.shared: SharedKeys | None = None
        self.cooldowns: CooldownStore = MemoryCooldowns()
        if cluster.shared_on(app.db.dialect):
            self.shared = SharedKeys(app.db, ttl=cluster.dedup_hours * 3600)
            self.cooldowns = DatabaseCooldowns(app.db)

    def use(self, middleware: Middleware) -> Disposer:
        """Add a middleware ``async (ctx, call_next)``; the disposer removes it."""
        self.middlewares.append(middleware)
        return lambda: self.middlewares.remove(middleware)

    async def dispatch(self, event: Event) -> None:
        """Handle one event. Never raises; a redelivered event is dropped."""
        now = self.app.clock.now().timestamp()
        if not self.recent.first_time(event.dedup_key, now):
            log.debug("dropped redelivered event %s", event.dedup_key)
            return
        if event.about_self:
            # No plugin greets, rewards, counts or punishes the bot itself.
            log.info(
                "the bot's own %s in %s, kept from plugins", type(event).__name__, event.scene.key
            )
            return
        if self.shared is not None and not await self._first_anywhere(event, now):
            return
        ctx = Context(self.app, event)
        try:
            if self.app.identity.name_is_new(event.user):
                await self.app.identity.remember_name(event.user)
            await self._through(ctx, 0)
        except StopPropagation:
            pass
        except Exception:
            log.exception("dispatch of %s failed", event.dedup_key)

    async def _first_anywhere(self, event: Event, now: float) -> bool:
        """Record ``event`` as taken on by this worker and charge the shared rate limits;
        False when another worker took it on first or a shared limit refused it."""
        assert self.shared is not None
        key = event.dedup_key
        charge = self.app.limits.shared_charge(event, now)
        try:
            first, refused = await self.shared.first_time(key, now, charge)
        except Exception:
            # Handling twice is safer than dropping: rewards and draws are keyed anyway.
            log.exception("could not record event %s in the database; handling it", key)
            return True
        if not first:
            log.debug("dropped event %s taken on by another worker", key)
            return False
        if refused is not None:
            self.app.limits.refused(event, refused)
            return False
        return True

    async def _through(self, ctx: Context, index: int) -> None:
        if index < len(self.middlewares):
            await self.middlewares[index](ctx, lambda: self._through(ctx, index + 1))
        else:
            await self._route(ctx)

    async def _route(self, ctx: Context) -> None:
        event = ctx.event
        match: Match | Unknown | Group | None = None
        if isinstance(event, MessageEvent):
            pressed = self._numbered_choice(event)
            if pressed is not None:
                event = pressed
                ctx = Context(self.app, event)
            else:
                match = find(
                    self.app.registry,
                    event.message,
                    self.app.settings.commands.prefixes,
                    self.app.bot_names(event.platform),
                )
        pending_command = isinstance(match, Match)
        if isinstance(match, Match):
            ctx.command = match.command
        group_key = event.scene.group_key
        for spec in self.app.registry.handlers_for(type(event)):
            if pending_command and spec.priority >= DEFAULT_PRIORITY:
                pending_command = False
                await self._command(ctx, match)  # type: ignore[arg-type]
            if self._active(spec.plugin, group_key, spec, event):
                await self._handler(ctx, spec)
        if pending_command:
            await self._command(ctx, match)  # type: ignore[arg-type]
        elif isinstance(match, Unknown):
            await self._unknown(ctx, match)
        elif isinstance(match, Group):
            await self._group(ctx, match)

    def _numbered_choice(self, event: MessageEvent) -> ButtonPressed | None:
        if not self.app.choices.waiting(event.scene.key):
            return None
        now = self.app.clock.now().timestamp()
        button = self.app.choices.resolve(event.scene.key, event.text, now, event.user.id)
        if button is None:
            return None
        return ButtonPressed(
            id=event.id,
            platform=event.platform,
            scene=event.scene,
            user=event.user,
            time=event.time,
            self_id=event.self_id,
            data=button.data,
            message_id=event.message_id,
        )

    def _active(
        self, plugin: Plugin, group_key: str, spec: HandlerSpec | Any, event: Event
    ) -> bool:
        if not self.app.group_settings.is_enabled(plugin, group_key):
            return False
        if plugin.filter is not None and not plugin.filter(event):
            return False
        return spec.filter is None or spec.filter(event)

    async def _handler(self, ctx: Context, spec: HandlerSpec) -> None:
        try:
            await spec.handler(ctx.for_plugin(spec.plugin))
        except StopPropagation:
            raise
        except Exception:
            log.exception("plugin %s failed handling %s", spec.plugin.name, ctx.event.dedup_key)

    async def _command(self, ctx: Context, match: Match) -> None:
        spec = match.command
        plugin = spec.plugin
        event = ctx.event
        if not self._active(plugin, event.scene.group_key, spec, event):
            return
        pctx = ctx.for_plugin(plugin)
        if spec.group_only and event.scene.is_private:
            await pctx.reply(pctx.t("command.group_only"))
            return
        if spec.permission > Level.MEMBER and await pctx.level() < spec.permission:
            role = pctx.t(f"level.{spec.permission.name.lower()}")
            await pctx.reply(pctx.t("command.forbidden", command=spec.name, level=role))
            return
        try:
            kwargs = bind(spec.params, tokenize(match.args, event.platform), event.platform)
        except UsageError as error:
            if match.bare:  # a keyword without its arguments is taken for plain chat
                log.debug("keyword %s without its arguments: %s", spec.name, error.key)
                return
            prefix = self.app.settings.commands.prefixes[0]
            if error.key == "usage.extra" and subcommands(self.app.registry, spec.name):
                word = str(error.values.get("value", "")).split(" ", 1)[0]
                await pctx.reply(unknown_subcommand_text(ctx, prefix, spec.name, word))
                return
            reason = pctx.t(error.key, **error.values)
            await pctx.reply(pctx.t("command.usage", reason=reason, usage=prefix + spec.usage()))
            return
        wait = await self._cooldown_left(spec, pctx)
        if wait > 0:
            await pctx.reply(pctx.t("command.cooldown", seconds=max(1, round(wait))))
            return
        try:
            await spec.handler(pctx, **kwargs)
        except StopPropagation:
            raise
        except Exception:
            log.exception("plugin %s failed running command %s", plugin.name, spec.name)
            await self._safe_reply(pctx, pctx.t("command.failed", command=spec.name))

    async def _cooldown_left(self, spec: Any, ctx: Context) -> float:
        if not spec.user_cooldown and not spec.group_cooldown:
            return 0.0
        keys: list[tuple[str, float]] = []
        if spec.user_cooldown:
            keys.append((f"{spec.name}|u:{ctx.person}", spec.user_cooldown))
        if spec.group_cooldown:
            keys.append((f"{spec.name}|g:{ctx.group_key}", spec.group_cooldown))
        try:
            return await self.cooldowns.claim(keys, self.app.clock.now().timestamp())
        except Exception:
            log.exception("could not check the cooldown of %s; letting it run", spec.name)
            return 0.0

    async def _group(self, ctx: Context, group: Group) -> None:
        """``/event`` lists its subcommands; ``/event bogus`` names them. Silent when every
        plugin of the group is off here, as for an unknown command."""
        event = ctx.event
        specs = [
            s for s in group.subcommands if self._active(s.plugin, event.scene.group_key, s, event)
        ]
        if not specs:
            await self._unknown(ctx, Unknown(group.word, group.prefix))
            return
        if group.sub:
            text = unknown_subcommand_text(ctx, group.prefix, group.word, group.sub)
        else:
            text = group_text(ctx, group.prefix, group.word, specs)
        await self._safe_reply(ctx, text)

    async def _unknown(self, ctx: Context, unknown: Unknown) -> None:
        settings = self.app.settings.commands
        close = suggest(self.app.registry, unknown.word) if settings.suggest_unknown else None
        if close is not None:
            text = ctx.t(
                "command.unknown_suggest",
                word=unknown.word,
                prefix=unknown.prefix,
                suggestion=close,
            )
        elif ctx.event.scene.is_private:
            text = ctx.t("command.unknown", word=unknown.word[:32], prefix=unknown.prefix)
        else:
            return
        await self._safe_reply(ctx, text)

    @staticmethod
    async def _safe_reply(ctx: Context, text: str) -> None:
        try:
            await ctx.reply(text)
        except Exception:
            log.exception("could not send a reply in %s", ctx.event.scene.key)
