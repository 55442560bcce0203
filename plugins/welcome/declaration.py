"""The ``welcome`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import WelcomeConfig

plugin = Plugin(
    "welcome",
    title="入群仪式 · Welcome",
    config=WelcomeConfig,
    enabled_by_default=False,
)
"""Off until a group's admins switch it on (``/plugin on welcome``): it mutes and removes
members, which no group should get without asking for it."""
