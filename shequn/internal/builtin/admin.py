"""Per-group plugin switches and settings, by admins in chat."""

from __future__ import annotations

from shequn.internal.builtin.declaration import core_plugin
from shequn.internal.builtin.help import plugin_title
from shequn.internal.context import Context
from shequn.internal.group_settings import ConfigError
from shequn.internal.permission import Level
from shequn.internal.plugin import Plugin


async def _find(ctx: Context, name: str) -> Plugin | None:
    plugin = ctx.app.plugin(name.lower())
    if plugin is None:
        await ctx.reply(ctx.t("plugin.unknown", name=name[:40]))
    return plugin


@core_plugin.command("plugin", aliases=["插件"])
async def plugin_root(ctx: Context) -> None:
    await plugin_list(ctx)


@core_plugin.command("plugin list", aliases=["插件 列表"])
async def plugin_list(ctx: Context) -> None:
    lines = [ctx.t("plugin.list_header")]
    for name, plugin in sorted(ctx.app.plugins.items()):
        if not plugin.switchable:
            continue
        state = "on" if ctx.app.group_settings.is_enabled(plugin, ctx.group_key) else "off"
        lines.append(f"  {ctx.t('plugin.' + state)} {name}: {plugin_title(ctx, name)}")
    lines.append(ctx.t("plugin.list_footer", prefix=ctx.app.settings.commands.prefixes[0]))
    await ctx.reply("\n".join(lines))


async def _switch(ctx: Context, name: str, enabled: bool) -> None:
    plugin = await _find(ctx, name)
    if plugin is None:
        return
    if not plugin.switchable:
        await ctx.reply(ctx.t("plugin.not_switchable", name=plugin.name))
        return
    await ctx.app.group_settings.set_enabled(plugin, ctx.group_key, enabled)
    await ctx.reply(
        ctx.t("plugin.switched_on" if enabled else "plugin.switched_off", name=plugin.name)
    )


@core_plugin.command("plugin on", aliases=["插件 开启"], permission=Level.ADMIN, group_only=True)
async def plugin_on(ctx: Context, name: str) -> None:
    await _switch(ctx, name, True)


@core_plugin.command("plugin off", aliases=["插件 关闭"], permission=Level.ADMIN, group_only=True)
async def plugin_off(ctx: Context, name: str) -> None:
    await _switch(ctx, name, False)


@core_plugin.command("config", aliases=["设置"], permission=Level.ADMIN, group_only=True)
async def config_command(ctx: Context, name: str, key: str = "", *, value: str = "") -> None:
    plugin = await _find(ctx, name)
    if plugin is None:
        return
    settings = ctx.app.group_settings
    if not key:
        current = settings.config(plugin, ctx.group_key).model_dump(mode="json")
        overridden = settings.overrides(plugin, ctx.group_key)
        if not current:
            await ctx.reply(ctx.t("config.none", name=plugin.name))
            return
        lines = [ctx.t("config.header", name=plugin.name)]
        for field, shown in current.items():
            mark = " *" if field in overridden else ""
            lines.append(f"  {field} = {shown!r}{mark}")
        lines.append(
            ctx.t("config.footer", prefix=ctx.app.settings.commands.prefixes[0], name=plugin.name)
        )
        await ctx.reply("\n".join(lines))
        return
    if not value:
        await ctx.reply(ctx.t("config.need_value", name=plugin.name, key=key[:40]))
        return
    try:
        if value.lower() in ("reset", "default", "默认"):
            await settings.reset(plugin, ctx.group_key, key)
            new = getattr(settings.config(plugin, ctx.group_key), key, None)
        else:
            new = await settings.set_value(plugin, ctx.group_key, key, value)
    except ConfigError as error:
        await ctx.reply(ctx.t(error.key, **{**error.values, "error": _problem(ctx, error)}))
        return
    await ctx.reply(ctx.t("config.saved", name=plugin.name, key=key, value=repr(new)))


def _problem(ctx: Context, error: ConfigError) -> str:
    """Why a value was refused, in the group's language: the pydantic error kinds people
    meet most (``int_parsing``, ``greater_than_equal``...) are translated with their limits;
    any other kind keeps pydantic's own message."""
    kind = str(error.values.get("kind", ""))
    key = f"validation.{kind}"
    if kind and ctx.app.translator.has("core", key):
        limits = error.values.get("limits") or {}
        return ctx.app.translator.translate("core", ctx.locale, key, **limits)
    return str(error.values.get("error", ""))
