"""The command menu (``setMyCommands``) from the core's registry, in English and Chinese.

Telegram accepts 1-32 characters of lower-case latin letters, digits and underscores and at
most 100 commands; other names (Chinese aliases, subcommands) still work when typed, they
only stay out of the menu.

Members see the member commands; a chat's administrators (``all_chat_administrators``
scope, which replaces the default one for them) see those and the admin and owner commands.
Superuser commands come from configuration, not from a Telegram role, so no menu shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adapters.telegram import PLATFORM
from shequn import App, Level

NAME = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100
DESCRIPTION_LIMIT = 256
LANGUAGES = {"en": "en", "zh-CN": "zh"}
"""Shequn locale -> Telegram's two-letter ``language_code``."""
AUDIENCES = {"default": Level.MEMBER, "all_chat_administrators": Level.OWNER}
"""Telegram's command scope -> the highest permission level its menu lists."""


@dataclass(frozen=True, slots=True)
class MenuEntry:
    command: str
    description: str


def menu(app: App, locale: str, up_to: Level = Level.MEMBER) -> list[MenuEntry]:
    """The commands of the loaded plugins open to ``up_to`` and below, described in
    ``locale``."""
    entries: list[MenuEntry] = []
    translator = app.translator
    for spec in app.registry.unique_commands():
        if not NAME.match(spec.name) or spec.permission > up_to:
            continue
        namespace = spec.plugin.name
        if translator.has(namespace, spec.help_key) or translator.has("core", spec.help_key):
            text = translator.translate(namespace, locale, spec.help_key)
        else:
            text = translator.translate(PLATFORM, locale, "command.fallback", command=spec.name)
        text = " ".join(text.split())[:DESCRIPTION_LIMIT] or spec.name
        entries.append(MenuEntry(spec.name, text))
        if len(entries) == MAX_COMMANDS:
            break
    return entries
