"""The admin dashboard: server-rendered pages over every group, served under ``/admin``."""

from shequn.internal.dashboard.declaration import dashboard_plugin

__all__ = ["dashboard_plugin"]
