"""The ``referral`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import ReferralConfig

plugin = Plugin("referral", title="推荐有礼 · Referral rewards", config=ReferralConfig)
