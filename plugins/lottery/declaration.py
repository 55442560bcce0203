"""The ``lottery`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import LotteryConfig

plugin = Plugin("lottery", title="抽奖 · Lottery", config=LotteryConfig)
