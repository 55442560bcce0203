"""The ``titles`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import TitlesConfig

plugin = Plugin("titles", title="称号 · Titles", config=TitlesConfig)
