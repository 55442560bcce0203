"""Daily sign-in (每日签到): one check-in per member, community and local day.

Each sign-in awards points (with bonuses on streak milestones) through the core's ledger in
the same transaction as the sign-in row, so a sign-in and its reward exist together or not
at all, however often the event is delivered. Missed days can be made up for points.
"""

from shequn.internal import forget

from . import daily, leaderboard, makeup, month, search  # noqa: F401  (registers commands)
from .config import SigninConfig
from .declaration import plugin

# A forgotten member's sign-in notes are their own words: blanked (the days stay, anonymous).
forget.register_words("signin_record", "person", "note")

__all__ = ["SigninConfig", "plugin"]
