"""Discord through discord.py 2: messages, slash commands, buttons, members and invites.

This module stays light: discord.py is imported by :func:`create` only, so a bot that runs
just the console never loads it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shequn import Adapter, App, Settings

PLATFORM = "discord"
LOCALES = Path(__file__).with_name("locales")
MIGRATIONS = Path(__file__).with_name("migrations")


def configured(settings: Settings) -> bool:
    """A ``[discord]`` section or any ``SHEQUN_DISCORD__*`` variable."""
    return settings.section(PLATFORM) is not None or any(
        key.upper().startswith("SHEQUN_DISCORD__") for key in os.environ
    )


def create(app: App) -> Adapter:
    """The Discord adapter for ``app`` and its tables; fails with a clear message without a
    token."""
    from adapters.discord.adapter import DiscordAdapter
    from adapters.discord.settings import read_settings

    options = read_settings(app.settings)
    if not options.has_token:
        raise ValueError(
            "[discord] token is missing: set it in the configuration file or in "
            "SHEQUN_DISCORD__TOKEN"
        )
    app.translator.load_directory(PLATFORM, LOCALES)
    app.add_migrations(MIGRATIONS)
    return DiscordAdapter(app, options)


__all__ = ["LOCALES", "MIGRATIONS", "PLATFORM", "configured", "create"]
