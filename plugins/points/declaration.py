"""The ``points`` plugin object and its per-group settings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shequn import Plugin


class PointsConfig(BaseModel):
    """Settings of the points plugin, per group (``/config points KEY VALUE``)."""

    leaderboard_size: int = Field(default=10, ge=1, le=50)
    """How many members ``/rank`` lists."""
    history_size: int = Field(default=10, ge=1, le=50)
    """How many entries ``/points history`` shows."""
    max_grant: int = Field(default=10_000, ge=1, le=1_000_000)
    """Largest amount one ``/grant`` may add or deduct: a typo must not mint a fortune."""


plugin = Plugin("points", title="积分 · Points", config=PointsConfig)
