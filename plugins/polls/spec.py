"""Reading ``/poll "question" option1 option2 ... [--multi] [--anonymous] [--for 2h]``.

Quotes (straight or Chinese “”) group words; flags may stand anywhere; an option cannot
start with ``--``. Chinese flags: ``--多选``, ``--匿名``, ``--时长 2h``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from shequn import TranslatableError, parse_duration

_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')
MULTI = {"--multi", "--multiple", "-m", "--多选"}
ANONYMOUS = {"--anonymous", "--anon", "-a", "--匿名"}
PUBLIC = {"--public", "--公开"}
DURATION = {"--for", "-t", "--时长"}
MAX_TEXT = 200


class SpecError(TranslatableError):
    """A poll that cannot be created as written."""


@dataclass(frozen=True, slots=True)
class PollSpec:
    question: str
    options: list[str]
    multiple: bool
    anonymous: bool | None
    """None: the group's default."""
    duration: timedelta | None


def parse_spec(text: str, max_options: int) -> PollSpec:
    words = [next(g for g in m.groups() if g is not None) for m in _TOKEN.finditer(text)]
    multiple = False
    anonymous: bool | None = None
    duration: timedelta | None = None
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        lowered = word.lower()
        if lowered in MULTI:
            multiple = True
        elif lowered in ANONYMOUS:
            anonymous = True
        elif lowered in PUBLIC:
            anonymous = False
        elif lowered in DURATION or lowered.startswith(("--for=", "--时长=")):
            value = word.partition("=")[2] if "=" in word else ""
            if not value:
                index += 1
                value = words[index] if index < len(words) else ""
            duration = parse_duration(value) if value else None
            if duration is None or duration <= timedelta(0):
                raise SpecError("create.bad_duration", value=value[:20])
        elif word.startswith("--"):
            raise SpecError("create.bad_flag", flag=word[:20])
        else:
            rest.append(word.strip())
        index += 1
    if not rest or not rest[0]:
        raise SpecError("create.usage")
    question, options = rest[0], [o for o in rest[1:] if o]
    if len(options) < 2:
        raise SpecError("create.too_few")
    if len(options) > max_options:
        raise SpecError("create.too_many", max=max_options)
    if len(set(o.casefold() for o in options)) != len(options):
        raise SpecError("create.duplicate")
    if len(question) > MAX_TEXT or any(len(o) > MAX_TEXT for o in options):
        raise SpecError("create.too_long", max=MAX_TEXT)
    return PollSpec(question, options, multiple, anonymous, duration)
