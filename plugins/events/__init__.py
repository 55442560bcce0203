"""Events (线上/线下活动): sign-up with a capacity and a waiting list moved up on cancel,
reminders before the start, check-in with a code that changes every minute, attendance
points paid once, no-shows counted, and statistics exported as CSV."""

from . import commands  # noqa: F401  (registers handlers)
from .declaration import EventsConfig, plugin

__all__ = ["EventsConfig", "plugin"]
