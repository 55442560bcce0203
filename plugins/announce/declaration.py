"""The ``announce`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import AnnounceConfig

plugin = Plugin("announce", title="群公告 · Announcements", config=AnnounceConfig)
