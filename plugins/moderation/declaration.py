"""The ``moderation`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import ModerationConfig

plugin = Plugin("moderation", title="群管 · Moderation", config=ModerationConfig)
