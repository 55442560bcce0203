"""Telegram through aiogram 3: long polling or a webhook on Shequn's own web server.

This module stays light (no aiogram here): the runtime imports it to ask whether Telegram is
configured, and aiogram is loaded only by :func:`create`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shequn import Adapter, App, Settings

PLATFORM = "telegram"
LOCALES = Path(__file__).with_name("locales")
MIGRATIONS = Path(__file__).with_name("migrations")
_TOKEN_VARIABLE = "SHEQUN_TELEGRAM__TOKEN"


def configured(settings: Settings) -> bool:
    """A token in ``[telegram]`` or in ``SHEQUN_TELEGRAM__TOKEN``."""
    section = settings.section(PLATFORM) or {}
    return bool(section.get("token") or os.environ.get(_TOKEN_VARIABLE))


def create(app: App) -> Adapter:
    """The adapter for ``app``: reads ``[telegram]``, adds its table and, in webhook mode,
    its route on the shared web server."""
    from adapters.telegram.adapter import TelegramAdapter
    from adapters.telegram.settings import read_settings

    app.translator.load_directory(PLATFORM, LOCALES)
    app.add_migrations(MIGRATIONS)
    return TelegramAdapter(app, read_settings(app.settings))


__all__ = ["LOCALES", "MIGRATIONS", "PLATFORM", "configured", "create"]
