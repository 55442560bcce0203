"""Typed command arguments, read from a handler's signature.

``async def grant(ctx, member: User, amount: int, *, reason: str = "")`` declares two
positional arguments and a keyword-only ``reason`` that takes the rest of the line. Supported
annotations: ``str``, ``int``, ``float``, ``bool``, ``User`` (a mention, ``@name`` or an id),
``Literal[...]`` choices, and any of them with a default (optional). A mismatch raises
:class:`UsageError`, which the dispatcher answers with the command's usage line.

An argument whose valid values live in the database (an open lottery's id) can name a
:data:`ChoiceSource`; platforms with pickers (Discord's autocomplete) offer its choices, the
typed text is still parsed and checked as usual.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from shequn.internal.event import User
from shequn.internal.i18n import TranslatableError
from shequn.internal.message import Mention, Message, Text

if TYPE_CHECKING:
    from shequn.internal.context import JobContext

_MISSING = inspect.Parameter.empty
_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')

Choice = tuple[str, str]
"""``(value, label)``: what the argument receives, and what a member sees in a picker."""
ChoiceSource = Callable[["JobContext"], Awaitable[Sequence[Choice]]]
"""``async def open_lotteries(ctx) -> [(value, label), ...]``: the current choices of an
argument in ``ctx``'s group (at most a few dozen; platforms show 25)."""


class UsageError(TranslatableError):
    """Wrong arguments; the dispatcher answers with the command's usage line."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: type | tuple[str, ...]
    """A converter type, or the allowed words of a ``Literal``."""
    default: Any
    rest: bool
    """Keyword-only ``str``: takes the remainder of the line."""
    choices: ChoiceSource | None = None
    """Where a picker finds this argument's current values (suggestions, not a limit)."""

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    def usage(self) -> str:
        label = "|".join(self.kind) if isinstance(self.kind, tuple) else self.name
        if self.rest:
            label += "..."
        return f"<{label}>" if self.required else f"[{label}]"


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    user: User | None = None


def signature_params(
    handler: Callable[..., Any], choices: Mapping[str, ChoiceSource] | None = None
) -> tuple[Param, ...]:
    """Params after the first (the context), from annotations resolved at registration;
    ``choices`` maps argument names to their :data:`ChoiceSource`."""
    hints = typing.get_type_hints(handler)
    sources = dict(choices or {})
    params: list[Param] = []
    for index, parameter in enumerate(inspect.signature(handler).parameters.values()):
        if index == 0:
            continue
        hint = hints.get(parameter.name, str)
        rest = parameter.kind is inspect.Parameter.KEYWORD_ONLY
        kind = _kind(hint)
        source = sources.pop(parameter.name, None)
        if source is not None and kind not in (str, int, float):
            raise TypeError(f"argument {parameter.name!r}: choices need a str, int or float")
        params.append(Param(parameter.name, kind, parameter.default, rest, source))
        if rest and kind is not str:
            raise TypeError(f"keyword-only argument {parameter.name!r} must be a str")
    if sources:
        raise TypeError(f"choices for unknown arguments: {', '.join(sorted(sources))}")
    return tuple(params)


def _kind(hint: Any) -> type | tuple[str, ...]:
    origin = get_origin(hint)
    if origin is Literal:
        return tuple(str(a) for a in get_args(hint))
    if origin in (typing.Union, type(int | None)):
        options = [a for a in get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _kind(options[0])
    if hint in (str, int, float, bool, User):
        return typing.cast(type, hint)
    raise TypeError(f"unsupported argument type {hint!r}")


def tokenize(message: Message, platform: str) -> list[Token]:
    """Words of the text (quotes group words) with mentions as tokens of their own."""
    tokens: list[Token] = []
    for segment in message:
        if isinstance(segment, Text):
            for match in _TOKEN.finditer(segment.text):
                word = next(g for g in match.groups() if g is not None)
                tokens.append(Token(word))
        elif isinstance(segment, Mention):
            user = User(platform=platform, id=segment.user_id, name=segment.name)
            tokens.append(Token("@" + (segment.name or segment.user_id), user))
    return tokens


def rest_text(message: Message) -> str:
    return message.plain_text.strip()


_TRUE = {"1", "true", "yes", "on", "y", "是", "开", "开启"}
_FALSE = {"0", "false", "no", "off", "n", "否", "关", "关闭"}


def convert(param: Param, token: Token, platform: str) -> Any:
    kind = param.kind
    text = token.text
    if isinstance(kind, tuple):
        lowered = text.lower()
        for choice in kind:
            if choice.lower() == lowered:
                return choice
        raise UsageError("usage.choice", name=param.name, value=text, choices=", ".join(kind))
    if kind is str:
        return text
    if kind is User:
        if token.user is not None:
            return token.user
        ident = text.removeprefix("@")
        if ":" in ident:
            prefix, _, rest = ident.partition(":")
            if prefix == platform and rest:
                ident = rest
        if not ident:
            raise UsageError("usage.user", name=param.name, value=text)
        return User(platform=platform, id=ident, name=ident)
    try:
        if kind is int:
            return int(text.replace(",", "").replace("_", ""))
        if kind is float:
            return float(text)
    except ValueError:
        raise UsageError(f"usage.{kind.__name__}", name=param.name, value=text) from None
    if kind is bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise UsageError("usage.bool", name=param.name, value=text)
    raise UsageError("usage.invalid", name=param.name, value=text)


def bind(params: tuple[Param, ...], tokens: list[Token], platform: str) -> dict[str, Any]:
    """Match tokens to params; keyword-only ``rest`` joins everything left."""
    values: dict[str, Any] = {}
    position = 0
    for param in params:
        if param.rest:
            remaining = " ".join(t.text for t in tokens[position:])
            position = len(tokens)
            if remaining:
                values[param.name] = remaining
            elif param.required:
                raise UsageError("usage.missing", name=param.name)
            continue
        if position >= len(tokens):
            if param.required:
                raise UsageError("usage.missing", name=param.name)
            continue
        values[param.name] = convert(param, tokens[position], platform)
        position += 1
    if position < len(tokens):
        raise UsageError("usage.extra", value=" ".join(t.text for t in tokens[position:]))
    return values
