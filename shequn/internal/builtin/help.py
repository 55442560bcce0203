"""``/help``, ``/help COMMAND`` and the reply to a command group typed alone, all generated
from the command declarations (names, aliases, keywords), so they cannot drift from the code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shequn.internal.builtin.declaration import core_plugin
from shequn.internal.commands import sub_words, subcommands
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


def _with_keywords(text: str, spec: CommandSpec) -> str:
    return f"{text} ({', '.join(spec.keywords)})" if spec.keywords else text


def plugin_title(ctx: Context, name: str) -> str:
    """A plugin's translated ``_title``, else its declared title, else its name."""
    plugin = ctx.app.plugins[name]
    if ctx.app.translator.has(name, "_title"):
        return ctx.app.translator.translate(name, ctx.locale, "_title")
    return plugin.title or plugin.name


def group_text(ctx: Context, prefix: str, word: str, specs: Iterable[CommandSpec]) -> str:
    """A command group typed alone (``/event``): its subcommands, one per line."""
    lines = [ctx.t("help.group", prefix=prefix, group=word)]
    lines.extend(_line(ctx, prefix, s, _with_keywords(s.usage(), s)) for s in specs)
    lines.append(ctx.t("help.footer", prefix=prefix))
    return "\n".join(lines)


def unknown_subcommand_text(ctx: Context, prefix: str, word: str, sub: str) -> str:
    """``/event bogus``: the word is not a subcommand; name the ones that are."""
    valid = ", ".join(sub_words(ctx.app.registry, word))
    return ctx.t("help.no_subcommand", prefix=prefix, group=word, word=sub[:32], valid=valid)


def _enabled(ctx: Context, specs: Iterable[CommandSpec]) -> list[CommandSpec]:
    settings = ctx.app.group_settings
    return [s for s in specs if settings.is_enabled(s.plugin, ctx.group_key)]


def _overview(ctx: Context, prefix: str, specs: Sequence[CommandSpec]) -> list[str]:
    """One plugin's lines: each top-level word with its keywords and help, then its
    subcommands (with their keywords) on the next line."""
    roots: dict[str, list[CommandSpec]] = {}
    for spec in specs:
        roots.setdefault(spec.name.split(" ", 1)[0], []).append(spec)
    lines: list[str] = []
    for root, family in roots.items():
        own = next((s for s in family if s.name == root), None)
        subs = [s for s in family if s is not own]
        listed = ", ".join(_with_keywords(s.name.split(" ", 1)[1], s) for s in subs)
        if own is None:
            lines.append(f"  {prefix}{root}: {listed}")
            continue
        lines.append(_line(ctx, prefix, own, _with_keywords(root, own)))
        if subs:
            lines.append(f"    {prefix}{root} {listed}")
    return lines


@core_plugin.command("help", aliases=["帮助"], keywords=["帮助"])
async def help_command(ctx: Context, *, command: str = "") -> None:
    prefix = ctx.app.settings.commands.prefixes[0]
    registry = ctx.app.registry
    if command:
        name = " ".join(command.lower().lstrip("".join(ctx.app.settings.commands.prefixes)).split())
        spec = registry.commands.get(name) or registry.keywords.get(command.strip())
        if spec is None:
            group = subcommands(registry, name)
            if group:
                await ctx.reply(group_text(ctx, prefix, name, group))
            else:
                await ctx.reply(ctx.t("help.no_such", command=command[:32], prefix=prefix))
            return
        lines = [f"{prefix}{spec.usage()}"]
        if described := _describe(ctx, spec):
            lines.append(described)
        if spec.prefixed_only:
            aliases = ", ".join(prefix + a for a in spec.prefixed_only)
            lines.append(ctx.t("help.aliases", aliases=aliases))
        if spec.keywords:
            lines.append(ctx.t("help.keywords", keywords=", ".join(spec.keywords)))
        if spec.permission > Level.MEMBER:
            lines.append(
                ctx.t("help.permission", level=ctx.t(f"level.{spec.permission.name.lower()}"))
            )
        subs = [c for c in registry.unique_commands() if c.name.startswith(spec.name + " ")]
        if subs:
            lines.append(ctx.t("help.subcommands"))
            lines.extend(_line(ctx, prefix, c, _with_keywords(c.usage(), c)) for c in subs)
        await ctx.reply("\n".join(lines))
        return
    lines = [ctx.t("help.header", prefix=prefix)]
    by_plugin: dict[str, list[CommandSpec]] = {}
    for spec in _enabled(ctx, registry.unique_commands()):
        by_plugin.setdefault(spec.plugin.name, []).append(spec)
    for name, specs in sorted(by_plugin.items(), key=lambda kv: (kv[0] != "core", kv[0])):
        lines.append(f"【{plugin_title(ctx, name)}】")
        lines.extend(_overview(ctx, prefix, specs))
    lines.append(ctx.t("help.footer", prefix=prefix))
    await ctx.reply("\n".join(lines))
