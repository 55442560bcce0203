"""The admin team (管理员值班): a weekly duty roster per group, a private reminder to the admin
on duty shortly before each shift (once, across restarts), and per admin the actions taken,
counted from the core's audit log."""

from . import commands  # noqa: F401  (registers commands; it imports the reminders)
from .declaration import AdminTeamConfig, plugin

__all__ = ["AdminTeamConfig", "plugin"]
