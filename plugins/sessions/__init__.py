"""Sharing sessions (分享 / 微课): a rota of hosts for recurring sessions, reminders to the
host and the group before each one, the host's summary archived and searchable, and points
for the host once per session."""

from shequn.internal import forget

from . import commands  # noqa: F401  (registers handlers; it imports the jobs)
from .declaration import SessionsConfig, plugin

# A forgotten host: the session stays, anonymous; their summary (their words) goes.
forget.register("sessions_occurrence", "host_account")
forget.register_words("sessions_occurrence", "host", "summary")

__all__ = ["SessionsConfig", "plugin"]
