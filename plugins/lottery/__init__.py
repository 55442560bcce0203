"""Lotteries (线上抽奖): admins create them, members enter, the bot draws once and provably.

At creation the bot publishes SHA-256 of a secret seed; at the draw it reveals the seed, and
anyone recomputes the winners from the entry list (``shequn lottery verify ID``; the
procedure is in :mod:`.fairness`). Draws survive restarts (a persisted job per lottery,
``open -> drawing -> drawn`` by conditional updates); costs and points prizes go through the
core's ledger with keys, so nothing is paid or refunded twice.
"""

from . import commands, drawing, entry, members, panels  # noqa: F401  (registers handlers)
from .config import LotteryConfig
from .declaration import plugin

__all__ = ["LotteryConfig", "plugin"]
