"""Per-group settings of the sign-in plugin (``/config signin KEY VALUE``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator


class SigninConfig(BaseModel):
    points: int = Field(default=10, ge=0, le=10_000)
    """Points for every day's sign-in."""
    streak_bonus: dict[int, int] = Field(default_factory=lambda: {3: 5, 7: 20, 30: 50})
    """Extra points on each day whose streak is a multiple of a key: with the default, days
    3, 6, 9... earn +5, days 7, 14, 21... +20 and days 30, 60... +50. When several keys
    divide the streak, only the largest key's bonus is paid (day 21: +20; day 210: +50).
    Admins may write it as ``3:5,7:20,30:50``."""
    makeup_enabled: bool = True
    """Whether missed days can be made up (补签)."""
    makeup_cost: int = Field(default=20, ge=0, le=100_000)
    """Points one make-up sign-in costs. A made-up day restores the streak, awards nothing."""
    makeup_days: int = Field(default=7, ge=1, le=365)
    """How many days back a make-up may go (1: only yesterday)."""
    rank_size: int = Field(default=10, ge=1, le=50)
    """How many members ``/signin rank`` lists."""
    note_min_length: int = Field(default=0, ge=0, le=1000)
    """Letters or digits a note needs to earn the day's points (0: no note needed). A
    sign-in without a long enough note still counts for the streak but earns nothing until
    the member sends ``/signin NOTE`` again the same day with a long enough note."""

    @field_validator("streak_bonus", mode="before")
    @classmethod
    def _parse_pairs(cls, value: Any) -> Any:
        """Accept ``3:5,7:20`` as well as a mapping."""
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for part in value.replace("，", ",").split(","):
            if not part.strip():
                continue
            length, sep, bonus = part.replace("：", ":").partition(":")
            if not sep:
                raise ValueError("write tiers as STREAK:BONUS, e.g. 3:5,7:20")
            pairs[length.strip()] = bonus.strip()
        return pairs

    @field_validator("streak_bonus")
    @classmethod
    def _positive_tiers(cls, value: dict[int, int]) -> dict[int, int]:
        for length, bonus in value.items():
            if length < 1 or length > 3660:
                raise ValueError("streak lengths must be between 1 and 3660 days")
            if bonus < 1 or bonus > 100_000:
                raise ValueError("bonuses must be between 1 and 100000 points")
        return dict(sorted(value.items()))
