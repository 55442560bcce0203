"""The ``stats`` plugin object."""

from __future__ import annotations

from pydantic import BaseModel

from shequn import Plugin


class StatsConfig(BaseModel):
    """Per-group settings of ``/stats`` and the reports."""

    weekly_report: bool = True
    """Send the weekly report to this group's admins by private message."""
    decline_alert: bool = True
    """Tell the admins when the group moves into decline or silence."""


plugin = Plugin("stats", title="社群数据 · Community stats", config=StatsConfig)
