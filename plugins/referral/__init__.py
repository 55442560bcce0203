"""Referral rewards (推荐有礼): personal invitations, an invite tree per community, points for
inviters once their invitees stay and take part, and a reach leaderboard for KOLs.

The tree itself is the core's (``shequn.invites``); this plugin adds codes, rewards and
figures on top of it.
"""

from . import codes, flow, stats  # noqa: F401  (registers commands, handlers and the job)
from .config import ReferralConfig
from .declaration import plugin

__all__ = ["ReferralConfig", "plugin"]
