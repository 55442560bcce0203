"""The ``welcome`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import WelcomeConfig

plugin = Plugin("welcome", title="入群仪式 · Welcome", config=WelcomeConfig)
