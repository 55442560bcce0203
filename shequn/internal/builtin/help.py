"""``/help`` and ``/help COMMAND``, generated from the registered commands."""

from __future__ import annotations

from shequn.internal.builtin.declaration import core_plugin
from shequn.internal.context import Context
from shequn.internal.permission import Level
from shequn.internal.plugin import CommandSpec


def _describe(ctx: Context, spec: CommandSpec) -> str:
    """The command's translated help line; empty when its plugin ships none."""
    translator = ctx.app.translator
    if not (
        translator.has(spec.plugin.name, spec.help_key) or translator.has("core", spec.help_key)
    ):
        return ""
    return translator.translate(spec.plugin.name, ctx.locale, spec.help_key)


def _line(ctx: Context, prefix: str, spec: CommandSpec, text: str) -> str:
    described = _describe(ctx, spec)
    return f"  {prefix}{text}: {described}" if described else f"  {prefix}{text}"


def plugin_title(ctx: Context, name: str) -> str:
    """A plugin's translated ``_title``, else its declared title, else its name."""
    plugin = ctx.app.plugins[name]
    if ctx.app.translator.has(name, "_title"):
        return ctx.app.translator.translate(name, ctx.locale, "_title")
    return plugin.title or plugin.name


@core_plugin.command("help", aliases=["帮助"], keywords=["帮助"])
async def help_command(ctx: Context, *, command: str = "") -> None:
    prefix = ctx.app.settings.commands.prefixes[0]
    registry = ctx.app.registry
    if command:
        name = " ".join(command.lower().lstrip("".join(ctx.app.settings.commands.prefixes)).split())
        spec = registry.commands.get(name) or registry.keywords.get(command.strip())
        if spec is None:
            await ctx.reply(ctx.t("help.no_such", command=command[:32], prefix=prefix))
            return
        lines = [f"{prefix}{spec.usage()}"]
        if described := _describe(ctx, spec):
            lines.append(described)
        if spec.aliases:
            lines.append(ctx.t("help.aliases", aliases=", ".join(prefix + a for a in spec.aliases)))
        if spec.keywords:
            lines.append(ctx.t("help.keywords", keywords=", ".join(spec.keywords)))
        if spec.permission > Level.MEMBER:
            lines.append(
                ctx.t("help.permission", level=ctx.t(f"level.{spec.permission.name.lower()}"))
            )
        subs = [c for c in registry.unique_commands() if c.name.startswith(spec.name + " ")]
        if subs:
            lines.append(ctx.t("help.subcommands"))
            lines.extend(_line(ctx, prefix, c, c.usage()) for c in subs)
        await ctx.reply("\n".join(lines))
        return
    lines = [ctx.t("help.header", prefix=prefix)]
    by_plugin: dict[str, list[CommandSpec]] = {}
    for spec in registry.unique_commands():
        if ctx.app.group_settings.is_enabled(spec.plugin, ctx.group_key) and " " not in spec.name:
            by_plugin.setdefault(spec.plugin.name, []).append(spec)
    for name, specs in sorted(by_plugin.items(), key=lambda kv: (kv[0] != "core", kv[0])):
        lines.append(f"【{plugin_title(ctx, name)}】")
        lines.extend(_line(ctx, prefix, s, s.name) for s in specs)
    lines.append(ctx.t("help.footer", prefix=prefix))
    await ctx.reply("\n".join(lines))
