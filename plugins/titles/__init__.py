"""Titles (封称号): admins grant titles to contributors, rules grant them automatically.

The titles themselves live in the core (``app.titles``) so that welcomes and leaderboards
of other plugins can show them; this plugin provides the commands, the daily rules and the
push to the platform's own member titles (QQ's special title).
"""

from . import commands, rules  # noqa: F401  (registers commands and jobs)
from .config import TitlesConfig
from .declaration import plugin

__all__ = ["TitlesConfig", "plugin"]
