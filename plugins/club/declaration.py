"""The ``club`` plugin object and its per-group settings (``/config club KEY VALUE``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin, parse_duration


class ClubConfig(BaseModel):
    remind_before: str = "3d"
    """How long before a term ends the member is reminded (in private and in the group)."""
    grace: str = "3d"
    """How long after the end a member stays before the lapse action."""
    lapse_action: Literal["kick", "mute", "none"] = "mute"
    """What happens when the grace period is over: removal, a mute, or only a notice."""
    mute_days: int = Field(default=30, ge=1, le=366)
    """Length of the mute of a lapsed member (platforms cap it: QQ at 30 days)."""
    price: int = Field(default=0, ge=0, le=1_000_000)
    """Points a member pays for ``/club renew``; 0: only admins renew."""
    term_days: int = Field(default=30, ge=1, le=3660)
    """Days a paid renewal adds."""

    @field_validator("remind_before", "grace")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        parsed = parse_duration(value)
        if parsed is None or parsed < timedelta(0):
            raise ValueError("write a duration such as 12h, 3d or 0m")
        return value.strip().lstrip("+")

    @property
    def remind_lead(self) -> timedelta:
        parsed = parse_duration(self.remind_before)
        return timedelta(days=3) if parsed is None else parsed

    @property
    def grace_period(self) -> timedelta:
        parsed = parse_duration(self.grace)
        return timedelta(0) if parsed is None else parsed


plugin = Plugin("club", title="俱乐部 · Club terms", config=ClubConfig)
