"""Club terms (俱乐部制): a membership term per member and group, reminders before it ends,
a grace period, then removal or a mute (once per lapse); renewals recorded by admins or paid
in points; a roster of active, expiring and lapsed members."""

from . import commands as commands  # registers handlers (it imports the jobs)
from .declaration import ClubConfig, plugin

__all__ = ["ClubConfig", "plugin"]
