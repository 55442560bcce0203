"""Scheduled announcements (群公告 / SOP): one-off or recurring (cron) announcements per group
or community, and a day-by-day plan for newcomers; pinned where possible, paced across a
community, every delivery recorded once."""

from . import commands, plan  # noqa: F401  (registers commands, handlers and jobs)
from .config import AnnounceConfig
from .declaration import plugin

__all__ = ["AnnounceConfig", "plugin"]
