"""Scores of the automatic titles, computed from the core's ledger only.

The rules never import the plugins they measure; they read the rows those plugins posted:

- **streak**: a ``signin`` posting's key ends with the local day it is for
  (``signin:<community>:<person>:YYYY-MM-DD``, make-ups ``signin:makeup:...``); the score is
  the run of consecutive days ending today or yesterday. Days signed in for 0 points leave
  no ledger row and do not count.
- **quotes** and **inviters**: credits minus debits that the ``quotes`` (or ``referral``)
  plugin posted in the window: one credit per accepted quote (per rewarded invitation), a
  reverted reward (a debit) takes one back; the referral plugin's ``referral welcome``
  points for invitees do not count.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Connection

from shequn.ledger import entries

STREAK_LOOKBACK_DAYS = 3660
"""How far back sign-in rows are read to measure a streak."""


def _day(key: str) -> date | None:
    try:
        return date.fromisoformat(key[-10:])
    except ValueError:
        return None


def streaks(conn: Connection, community: str, today: date, since: float) -> dict[str, int]:
    """Current sign-in streak of every member who signed in today or yesterday."""
    days: dict[str, set[date]] = defaultdict(set)
    for entry in entries(conn, community, "signin", since=since):
        day = _day(entry.key)
        if day is not None and day <= today and (entry.amount > 0 or ":makeup:" in entry.key):
            days[entry.person].add(day)
    found: dict[str, int] = {}
    for person, signed in days.items():
        day = today if today in signed else today - timedelta(days=1)
        length = 0
        while day in signed:
            length += 1
            day -= timedelta(days=1)
        if length:
            found[person] = length
    return found


def net_credits(
    conn: Connection, community: str, plugin: str, since: float, skip: str = ""
) -> dict[str, int]:
    """Credits minus debits per person that ``plugin`` posted since ``since``, leaving out
    rows whose reason starts with ``skip`` (the referral plugin's welcome points go to the
    invitee, not the inviter)."""
    score: dict[str, int] = defaultdict(int)
    for entry in entries(conn, community, plugin, since=since):
        if skip and entry.reason.startswith(skip):
            continue
        if entry.amount > 0:
            score[entry.person] += 1
        elif entry.amount < 0:
            score[entry.person] -= 1
    return {person: value for person, value in score.items() if value > 0}


def leaders(scores: dict[str, int], minimum: int, limit: int) -> list[str]:
    """Who holds the top score (at least ``minimum``); a tie shares it, up to ``limit``."""
    if not scores:
        return []
    best = max(scores.values())
    if best < minimum:
        return []
    return sorted(person for person, value in scores.items() if value == best)[:limit]
