"""Points (积分): the member-facing side of the core's shared ledger.

Members see their balance and rank and the community leaderboard; admins grant or deduct
points with a reason. Balances live in the core's ledger, so every plugin's rewards add up
here and follow a person across linked accounts and joined groups.
"""

from . import balance, grant, leaderboard  # noqa: F401  (registers commands)
from .declaration import PointsConfig, plugin

__all__ = ["PointsConfig", "plugin"]
