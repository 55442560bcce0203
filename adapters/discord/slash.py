"""Slash commands generated from the core's command definitions, and read back.

Each core command becomes an application command with typed options (``str``, ``int``,
``float``, ``bool``, ``User``, ``Literal`` choices). A two-word name (``signin rank``) becomes a
subcommand; when the first word is a command too, it is offered as the subcommand ``run``,
because Discord does not let a command with subcommands be invoked by itself. Chinese aliases
become ``zh-CN`` name localizations where Discord's name rules allow them.

An invocation comes back as the text a member would have typed (``/signin rank``, mentions
as :class:`Mention` segments), so the core parses, checks permissions and cooldowns exactly as
for a prefix command. This module works on JSON only: it imports nothing from discord.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from shequn import Level, Mention, Message, Segment, Text, User
from shequn.internal.arguments import Param
from shequn.internal.plugin import CommandSpec

log = logging.getLogger("shequn.discord")

BASE_SUBCOMMAND = "run"
"""The subcommand that stands for the first word alone (``/signin run``)."""
MAX_COMMANDS = 100
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
MANAGE_GUILD = 1 << 5

# Discord's option types.
SUB_COMMAND = 1
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


def valid_name(name: str) -> bool:
    """Discord's rule for command and option names (lower case letters, digits, - and _)."""
    return bool(_NAME.match(name)) and name == name.lower()


@dataclass
class SlashCommands:
    """The payload to publish and the way back from an invocation to a core command."""

    payload: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)
    """``("signin", "rank")`` -> the ``signin rank`` command."""


def build(
    commands: Iterable[CommandSpec],
    describe: Describe,
    describe_option: DescribeOption,
    default_locale: str = "en",
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
    result = SlashCommands()
    zh_used: set[str] = set()
    for top in sorted({*tops, *children}):
        if len(result.payload) >= MAX_COMMANDS:
            log.warning(
                "more than %d commands: /%s and later ones are not published", MAX_COMMANDS, top
            )
            break
        base, subs = tops.get(top), children.get(top, {})
        if not subs:
            assert base is not None
            command = _leaf(base, top, describe, describe_option, default_locale)
            command.update(_top_fields(base))
            _localize_name(command, _zh_alias(base, 0), zh_used)
            result.payload.append(command)
            result.routes[(top,)] = base
            continue
        if base is not None and BASE_SUBCOMMAND not in subs:
            subs = {BASE_SUBCOMMAND: base, **subs}
        options: list[dict[str, Any]] = []
        sub_zh: set[str] = set()
        for word, spec in list(subs.items())[:MAX_OPTIONS]:
            option = _leaf(spec, word, describe, describe_option, default_locale)
            option["type"] = SUB_COMMAND
            if spec is not base:
                _localize_name(option, _zh_alias(spec, 1), sub_zh)
            options.append(option)
            result.routes[(top, word)] = spec
        leader = base or next(iter(subs.values()))
        command = {
            "type": 1,
            "name": top,
            "description": _clip(describe(leader, default_locale)) or top,
            "description_localizations": _localized(partial(describe, leader)),
            "options": options,
        }
        command.update(_top_fields(*subs.values()))
        _localize_name(command, _zh_group(subs.values()), zh_used)
        result.payload.append(command)
    return result


def _leaf(
    spec: CommandSpec, name: str, describe: Describe, describe_option: DescribeOption, locale: str
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


def invocation(
    routes: Mapping[tuple[str, ...], CommandSpec],
    data: Mapping[str, Any],
    prefix: str,
    platform: str,
) -> Invocation | None:
    """The core command and message for an application command's ``data``; None if unknown."""
    name = data.get("name")
    if not isinstance(name, str):
        return None
    path = [name]
    options: Any = data.get("options") or []
    while (
        isinstance(options, list)
        and len(options) == 1
        and isinstance(options[0], dict)
        and options[0].get("type") in (1, 2)
    ):
        path.append(str(options[0].get("name")))
        options = options[0].get("options") or []
    spec = routes.get(tuple(path))
    if spec is None or not isinstance(options, list):
        return None
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
