"""A member's sign-in streak, read from the core's ledger (plugins never import each other).

The sign-in plugin credits each day's sign-in with a ledger key ending in the local day
(``...:YYYY-MM-DD``) and records a made-up day the same way (a debit), both as plugin
``signin``. The streak is the run of such days ending today or yesterday. What this cannot
see: sign-ins that earned 0 points (nothing is posted), and days beyond the member's
latest :data:`HISTORY` ledger entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

SIGNIN_PLUGIN = "signin"
HISTORY = 2000
"""Ledger entries read per check (newest first)."""


def day_of_key(key: str) -> date | None:
    try:
        return date.fromisoformat(key[-10:])
    except ValueError:
        return None


def streak_from_days(days: Iterable[date], today: date) -> int:
    signed = set(days)
    day = today if today in signed else today - timedelta(days=1)
    streak = 0
    while day in signed:
        streak += 1
        day -= timedelta(days=1)
    return streak
