"""The ``sharelinks`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import SharelinksConfig

plugin = Plugin("sharelinks", title="分享链 · Share tracking", config=SharelinksConfig)
