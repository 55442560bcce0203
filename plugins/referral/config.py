"""Per-group settings of referral (``/config referral KEY VALUE``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator


class ReferralConfig(BaseModel):
    reward_points: int = Field(default=50, ge=0, le=100_000)
    """Points the inviter earns once the invitee has stayed and signed in enough."""
    welcome_points: int = Field(default=0, ge=0, le=100_000)
    """Points an invited newcomer receives on arrival (0: none)."""
    min_days: int = Field(default=7, ge=0, le=365)
    """Days the invitee must stay before the inviter is rewarded."""
    min_signins: int = Field(default=3, ge=0, le=365)
    """Sign-ins (of the signin plugin) the invitee must make after joining."""
    check_days: int = Field(default=30, ge=1, le=365)
    """Days after joining within which the conditions must be met; later, no reward."""
    revert_days: int = Field(default=30, ge=0, le=365)
    """An invitee who leaves within this many days of joining takes the reward back."""
    code_hours: int = Field(default=48, ge=1, le=720)
    """Hours after joining within which a newcomer may name an inviter with ``/joined``."""
    kol_weights: list[float] = Field(default_factory=lambda: [1.0, 0.5, 0.25], max_length=10)
    """Weight of each level of the tree in ``/kol`` (level 1 first; its length is the depth)."""
    kol_active_target: int = Field(default=10, ge=1, le=10_000)
    """Credits in the window at which a descendant counts as fully active."""
    kol_window_days: int = Field(default=30, ge=1, le=365)
    kol_size: int = Field(default=10, ge=1, le=50)
    """Members ``/kol`` lists."""
    kol_shares_weight: float = Field(default=0.0, ge=0, le=100)
    """Score per share (unique visitor brought by share links) in ``/kol`` when a plugin
    offers shares; 0 shows them without scoring them."""

    @field_validator("kol_weights", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [w.strip() for w in value.replace("，", ",").split(",") if w.strip()]
        return value

    @field_validator("kol_weights")
    @classmethod
    def _range(cls, value: list[float]) -> list[float]:
        if not value or any(w < 0 or w > 100 for w in value):
            raise ValueError("give 1 to 10 weights between 0 and 100, e.g. 1,0.5,0.25")
        return value
