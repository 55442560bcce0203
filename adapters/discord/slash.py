"""Slash commands generated from the core's command definitions, and read back.

Each core command becomes an application command with typed options (``str``, ``int``,
``float``, ``bool``, ``User``, ``Literal`` choices, autocomplete for arguments with a
:data:`ChoiceSource`). Discord does not let a command with subcommands be invoked by itself,
so what a member types bare stays bare: when the first word of ``signin rank`` is a command
too, ``/signin`` is a plain command and ``signin rank`` becomes ``/signin-rank``. Two-word
commands without such a base (``event join``) stay subcommands of ``/event``. Chinese aliases
become ``zh-CN`` name localizations where Discord's name rules allow them.

Discord takes at most 100 top-level commands. Past that, the admin subcommands of the largest
families are gathered into one group each (``/shop-admin add``); if that is not enough,
flattened admin subcommands, then flattened member subcommands are left out (logged; they
still work as prefix commands).

An invocation comes back as the text a member would have typed (``/signin rank``, mentions
as :class:`Mention` segments), so the core parses, checks permissions and cooldowns exactly as
for a prefix command. This module works on JSON only: it imports nothing from discord.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from shequn import Level, Mention, Message, Segment, Text, User
from shequn.internal.arguments import Choice, ChoiceSource, Param
from shequn.internal.plugin import CommandSpec

log = logging.getLogger("shequn.discord")

FLAT_JOIN = "-"
"""``signin rank`` is published as ``signin-rank``."""
ADMIN_GROUP = "admin"
ADMIN_GROUP_ZH = "管理"
"""``shop add`` is published as ``/shop-admin add`` (zh-CN ``/商城-管理``) past the limit."""
MAX_COMMANDS = 100
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
MAX_CHOICE_TEXT = 100
MANAGE_GUILD = 1 << 5

# Discord's option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
NUMBER = 10

_NAME = re.compile(r"^[-_\w]{1,32}$")
_TYPES: dict[type, int] = {str: STRING, int: INTEGER, float: NUMBER, bool: BOOLEAN, User: USER}
LOCALES: dict[str, tuple[str, ...]] = {"en": ("en-US", "en-GB"), "zh-CN": ("zh-CN",)}
"""Our locales -> Discord's locale codes."""

Describe = Callable[[CommandSpec, str], str]
"""(command, locale) -> its one-line help in that locale."""
DescribeOption = Callable[[Param, str], str]
DescribeGroup = Callable[[str, str], str]
"""(first word, locale) -> the one-line help of the group of its admin subcommands."""

# Publishing order when Discord's limit is reached: lower goes first.
_BARE, _MEMBER_SUB, _ADMIN_SUB = 0, 1, 2


def valid_name(name: str) -> bool:
    """Discord's rule for command and option names (lower case letters, digits, - and _)."""
    return bool(_NAME.match(name)) and name == name.lower()


@dataclass
class SlashCommands:
    """The payload to publish and the way back from an invocation to a core command."""

    payload: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)
    """``("signin-rank",)`` -> the ``signin rank`` command; ``("event", "join")`` ->
    ``event join``."""
    dropped: list[str] = field(default_factory=list)
    """Top-level names left out by Discord's limit of 100."""


@dataclass
class _Entry:
    rank: int
    command: dict[str, Any]
    routes: dict[tuple[str, ...], CommandSpec]
    zh: str | None
    family: str = ""
    """The first word of the command's name."""
    word: str = ""
    spec: CommandSpec | None = None
    """For a flattened subcommand: its second word and its command."""


def build(
    commands: Iterable[CommandSpec],
    describe: Describe,
    describe_option: DescribeOption,
    default_locale: str = "en",
    describe_admin: DescribeGroup | None = None,
) -> SlashCommands:
    """Application commands for ``commands`` (the registry's unique commands)."""
    tops: dict[str, CommandSpec] = {}
    children: dict[str, dict[str, CommandSpec]] = {}
    for spec in commands:
        words = spec.name.split()
        if not all(valid_name(w) for w in words) or len(words) > 2:
            log.warning("command %r cannot be a Discord slash command: name not allowed", spec.name)
            continue
        if len(words) == 1:
            tops[words[0]] = spec
        else:
            children.setdefault(words[0], {})[words[1]] = spec
    leaf = partial(_leaf, describe=describe, describe_option=describe_option, locale=default_locale)
    entries: list[_Entry] = []
    for top in sorted({*tops, *children}):
        base, subs = tops.get(top), children.get(top, {})
        if base is not None:
            command = leaf(base, top)
            command.update(_top_fields(base))
            entries.append(_Entry(_BARE, command, {(top,): base}, _zh_alias(base, 0), top))
            for word, spec in subs.items():
                name = f"{top}{FLAT_JOIN}{word}"
                if not valid_name(name):
                    log.warning("command %r cannot be a Discord slash command: too long", spec.name)
                    continue
                command = leaf(spec, name)
                command.update(_top_fields(spec))
                rank = _MEMBER_SUB if spec.permission is Level.MEMBER else _ADMIN_SUB
                route: dict[tuple[str, ...], CommandSpec] = {(name,): spec}
                entries.append(_Entry(rank, command, route, _zh_flat(spec), top, word, spec))
            continue
        options: list[dict[str, Any]] = []
        routes: dict[tuple[str, ...], CommandSpec] = {}
        sub_zh: set[str] = set()
        for word, spec in list(subs.items())[:MAX_OPTIONS]:
            option = leaf(spec, word)
            option["type"] = SUB_COMMAND
            _localize_name(option, _zh_alias(spec, 1), sub_zh)
            options.append(option)
            routes[(top, word)] = spec
        leader = next(iter(subs.values()))
        command = {
            "type": 1,
            "name": top,
            "description": _clip(describe(leader, default_locale)) or top,
            "description_localizations": _localized(partial(describe, leader)),
            "options": options,
        }
        command.update(_top_fields(*subs.values()))
        entries.append(_Entry(_BARE, command, routes, _zh_group(subs.values()), top))
    if len(entries) > MAX_COMMANDS:
        group_help = describe_admin or (lambda top, locale: top)
        entries = _fold_admin(entries, partial(_admin_group, leaf, group_help, default_locale))
    return _published(entries)


def _fold_admin(
    entries: list[_Entry], group: Callable[[str, list[_Entry]], _Entry]
) -> list[_Entry]:
    """Gather admin subcommands into one group per family, largest first, until the
    commands fit."""
    names = {e.command["name"] for e in entries}
    families: dict[str, list[_Entry]] = {}
    for entry in entries:
        if entry.rank == _ADMIN_SUB:
            families.setdefault(entry.family, []).append(entry)
    for top, members in sorted(families.items(), key=lambda item: (-len(item[1]), item[0])):
        if len(entries) <= MAX_COMMANDS:
            break
        name = f"{top}{FLAT_JOIN}{ADMIN_GROUP}"
        if not 2 <= len(members) <= MAX_OPTIONS or name in names or not valid_name(name):
            continue
        folded = {id(m) for m in members}
        base_zh = next((e.zh for e in entries if e.family == top and e.rank == _BARE), None)
        made = group(name, members)
        made.zh = f"{base_zh}{FLAT_JOIN}{ADMIN_GROUP_ZH}" if base_zh else None
        entries = [e for e in entries if id(e) not in folded] + [made]
    return entries


def _admin_group(
    leaf: Callable[[CommandSpec, str], dict[str, Any]],
    describe: DescribeGroup,
    locale: str,
    name: str,
    members: list[_Entry],
) -> _Entry:
    top = members[0].family
    options: list[dict[str, Any]] = []
    routes: dict[tuple[str, ...], CommandSpec] = {}
    sub_zh: set[str] = set()
    specs = [m.spec for m in members if m.spec is not None]
    for spec in specs:
        word = spec.name.split()[1]
        option = leaf(spec, word)
        option["type"] = SUB_COMMAND
        _localize_name(option, _zh_alias(spec, 1), sub_zh)
        options.append(option)
        routes[(name, word)] = spec
    command = {
        "type": 1,
        "name": name,
        "description": _clip(describe(top, locale)) or name,
        "description_localizations": _localized(partial(describe, top)),
        "options": options,
    }
    command.update(_top_fields(*specs))
    return _Entry(_ADMIN_SUB, command, routes, None, top)


def _published(entries: list[_Entry]) -> SlashCommands:
    """The first :data:`MAX_COMMANDS` entries by rank, in name order, names localized."""
    ordered = sorted(entries, key=lambda e: (e.rank, str(e.command["name"])))
    kept, left = ordered[:MAX_COMMANDS], ordered[MAX_COMMANDS:]
    result = SlashCommands(dropped=[e.command["name"] for e in left])
    if left:
        log.warning(
            "Discord takes %d commands, %d are not published (prefix commands still work): %s",
            MAX_COMMANDS,
            len(left),
            ", ".join(result.dropped),
        )
    zh_used: set[str] = set()
    for entry in kept:  # bare commands first claim their Chinese names
        _localize_name(entry.command, entry.zh, zh_used)
    for entry in sorted(kept, key=lambda e: str(e.command["name"])):
        result.payload.append(entry.command)
        result.routes.update(entry.routes)
    return result


def _leaf(
    spec: CommandSpec,
    name: str,
    *,
    describe: Describe,
    describe_option: DescribeOption,
    locale: str,
) -> dict[str, Any]:
    return {
        "type": 1,
        "name": name,
        "description": _clip(describe(spec, locale)) or name,
        "description_localizations": _localized(partial(describe, spec)),
        "options": _options(spec.params, describe_option, locale),
    }


def _top_fields(*specs: CommandSpec) -> dict[str, Any]:
    """Who sees the command by default and where it can be used."""
    fields: dict[str, Any] = {
        # 0: in a server; 1: in the bot's DMs. Group-only commands stay in servers.
        "contexts": [0] if all(s.group_only for s in specs) else [0, 1],
    }
    levels = {s.permission for s in specs}
    if levels and min(levels) in (Level.ADMIN, Level.OWNER):
        # Hidden from plain members by default; the core still checks on every use.
        fields["default_member_permissions"] = str(MANAGE_GUILD)
    return fields


def _options(
    params: tuple[Param, ...], describe_option: DescribeOption, locale: str
) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    for param in params[:MAX_OPTIONS]:
        name = param.name.lower()
        if not valid_name(name):
            log.warning("argument %r cannot be a Discord option name", param.name)
            continue
        option: dict[str, Any] = {
            "name": name,
            "description": _clip(describe_option(param, locale)) or name,
            "description_localizations": _localized(partial(describe_option, param)),
            "required": param.required,
        }
        if isinstance(param.kind, tuple):
            option["type"] = STRING
            if len(param.kind) <= MAX_CHOICES:
                option["choices"] = [{"name": c[:100], "value": c[:100]} for c in param.kind]
        else:
            option["type"] = _TYPES.get(param.kind, STRING)
            if param.choices is not None:
                option["autocomplete"] = True  # suggested as the member types (never both)
        options.append(option)
    # Discord wants required options first; values come back by name, so order is free.
    return sorted(options, key=lambda o: not o["required"])


def _localized(describe: Callable[[str], str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for locale, codes in LOCALES.items():
        text = _clip(describe(locale))
        if text:
            for code in codes:
                out[code] = text
    return out


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _zh_alias(spec: CommandSpec, index: int) -> str | None:
    """The first alias word at ``index`` that is not ASCII and fits Discord's name rule."""
    for alias in spec.aliases:
        words = alias.split()
        if len(words) != len(spec.name.split()) or alias.isascii():
            continue
        word = words[index]
        if valid_name(word) and not word.isascii():
            return word
    return None


def _zh_flat(spec: CommandSpec) -> str | None:
    """The Chinese name of a flattened subcommand: a one-word Chinese alias (``签到排行``),
    else a two-word one joined (``签到-排行``)."""
    joined = [FLAT_JOIN.join(a.split()) for a in spec.aliases if not a.isascii()]
    for name in sorted(joined, key=lambda n: FLAT_JOIN in n):
        if valid_name(name):
            return name
    return None


def _zh_group(specs: Iterable[CommandSpec]) -> str | None:
    """The group's Chinese name: the first word of a subcommand's Chinese alias."""
    for spec in specs:
        found = _zh_alias(spec, 0)
        if found is not None:
            return found
    return None


def _localize_name(command: dict[str, Any], zh: str | None, used: set[str]) -> None:
    if zh is None or zh in used:
        return
    used.add(zh)
    command["name_localizations"] = {"zh-CN": zh}


# -- the way back --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invocation:
    """A slash command as the text a member would have typed."""

    command: CommandSpec
    message: Message


def _walk(
    routes: Mapping[tuple[str, ...], CommandSpec], data: Mapping[str, Any]
) -> tuple[CommandSpec, list[Any]] | None:
    """The command an application command's ``data`` names, and its options."""
    name = data.get("name")
    if not isinstance(name, str):
        return None
    path = [name]
    options: Any = data.get("options") or []
    while (
        isinstance(options, list)
        and len(options) == 1
        and isinstance(options[0], dict)
        and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)
    ):
        path.append(str(options[0].get("name")))
        options = options[0].get("options") or []
    spec = routes.get(tuple(path))
    if spec is None or not isinstance(options, list):
        return None
    return spec, options


def invocation(
    routes: Mapping[tuple[str, ...], CommandSpec],
    data: Mapping[str, Any],
    prefix: str,
    platform: str,
) -> Invocation | None:
    """The core command and message for an application command's ``data``; None if unknown."""
    found = _walk(routes, data)
    if found is None:
        return None
    spec, options = found
    values = {str(o.get("name")): o.get("value") for o in options if isinstance(o, dict)}
    resolved = data.get("resolved") or {}
    users = resolved.get("users") if isinstance(resolved, dict) else None
    segments: list[Segment] = [Text(prefix + spec.name)]
    gap: list[Segment] | None = []
    """Defaults of skipped arguments, written out only if a later argument is given."""
    for param in spec.params:
        value = values.get(param.name.lower())
        if value is None:
            if gap is not None and isinstance(param.default, bool | int | float | str):
                gap.append(Text(" " + _quoted(str(param.default), param.rest)))
            else:
                gap = None  # a later value would take this argument's place: stop here
            continue
        if gap is None:
            log.warning("slash /%s: an argument after a skipped one is dropped", spec.name)
            break
        segments.extend(gap)
        gap = []
        if param.kind is User:
            user = users.get(str(value)) if isinstance(users, dict) else None
            name = _user_name(user) if isinstance(user, dict) else ""
            segments.extend([Text(" "), Mention(str(value), name)])
        elif param.kind is bool:
            segments.append(Text(" " + ("true" if value else "false")))
        else:
            segments.append(Text(" " + _quoted(str(value), param.rest)))
    return Invocation(spec, Message(segments))


def _quoted(text: str, rest: bool) -> str:
    """One token for the core's tokenizer, unless the argument takes the rest of the line."""
    text = " ".join(text.split())
    if rest or (text and " " not in text and '"' not in text):
        return text
    if '"' not in text:
        return f'"{text}"'
    if "”" not in text:
        return f"“{text}”"
    return text.replace('"', "'").join('""')


def _user_name(user: Mapping[str, Any]) -> str:
    return str(user.get("global_name") or user.get("username") or "")


# -- autocomplete --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Focus:
    """The argument a member is filling in, with what they typed so far."""

    command: CommandSpec
    param: Param
    source: ChoiceSource
    typed: str


def focus(routes: Mapping[tuple[str, ...], CommandSpec], data: Mapping[str, Any]) -> Focus | None:
    """The focused option of an autocomplete interaction's ``data``, if it has choices."""
    found = _walk(routes, data)
    if found is None:
        return None
    spec, options = found
    focused = next((o for o in options if isinstance(o, dict) and o.get("focused")), None)
    if focused is None:
        return None
    name = str(focused.get("name"))
    param = next((p for p in spec.params if p.name.lower() == name), None)
    if param is None or param.choices is None:
        return None
    return Focus(spec, param, param.choices, str(focused.get("value") or ""))


def suggestions(focus: Focus, choices: Sequence[Choice]) -> list[tuple[str, str | int | float]]:
    """(label, value) pairs for Discord: those matching what was typed, of the option's type,
    at most 25."""
    typed = focus.typed.strip().casefold()
    out: list[tuple[str, str | int | float]] = []
    for value, label in choices:
        if typed and typed not in value.casefold() and typed not in label.casefold():
            continue
        converted = _choice_value(focus.param.kind, value)
        text = " ".join(label.split())[:MAX_CHOICE_TEXT] or value[:MAX_CHOICE_TEXT]
        if converted is None or not text:
            continue
        out.append((text, converted))
        if len(out) == MAX_CHOICES:
            break
    return out


def _choice_value(kind: type | tuple[str, ...], value: str) -> str | int | float | None:
    try:
        if kind is int:
            return int(value)
        if kind is float:
            return float(value)
    except ValueError:
        return None
    return value[:MAX_CHOICE_TEXT] or None
