"""Share tracking (分享链): ``/share URL`` gives a member a personal tracking link served by
the bot's web app; re-sharing a member's link extends the chain. Clicks, unique visitors and
chain depth per member make a leaderboard (``/share top``) next to the invitation one."""

from . import commands, shares, web  # noqa: F401  (registers commands, measure, web route)
from .config import SharelinksConfig
from .declaration import plugin

__all__ = ["SharelinksConfig", "plugin"]
