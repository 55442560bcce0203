"""The ``signin`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import SigninConfig

plugin = Plugin("signin", title="每日签到 · Daily sign-in", config=SigninConfig)
