"""Per-group settings of the lottery plugin (``/config lottery KEY VALUE``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LotteryConfig(BaseModel):
    default_hours: float = Field(default=24.0, gt=0, le=24 * 90)
    """When a lottery without ``end=`` is drawn, in hours after its creation."""
    max_days: int = Field(default=90, ge=1, le=366)
    """Latest draw an admin may set, in days ahead."""
    max_winners: int = Field(default=100, ge=1, le=10_000)
    """Most winners one lottery may have."""
    max_cost: int = Field(default=10_000, ge=0, le=1_000_000)
    """Highest entry cost in points."""
    max_prize_points: int = Field(default=100_000, ge=0, le=10_000_000)
    """Highest points prize per winner (points prizes are minted by the bot)."""
    list_size: int = Field(default=10, ge=1, le=50)
    """How many lotteries ``/lottery list`` shows."""
    show_winners: int = Field(default=20, ge=1, le=200)
    """Winners named in the draw announcement (the rest: ``/lottery info ID``)."""
