"""Community stats (社群数据): ``/stats`` in chat, a weekly report to admins, and an alert
when a group moves into decline. The figures come from the core's ``app.analytics``."""

from . import commands, reports  # noqa: F401  (registers commands and jobs)
from .declaration import StatsConfig, plugin

__all__ = ["StatsConfig", "plugin"]
