"""The ``redenvelope`` plugin object and its per-group settings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shequn import Plugin


class RedEnvelopeConfig(BaseModel):
    """Settings per group (``/config redenvelope KEY VALUE``)."""

    members_may_send: bool = True
    """False: only admins send red envelopes."""
    min_total: int = Field(default=1, ge=1, le=1_000_000)
    """Fewest points one envelope may hold."""
    max_total: int = Field(default=100_000, ge=1, le=100_000_000)
    """Most points one envelope may hold."""
    max_shares: int = Field(default=100, ge=1, le=1000)
    """Most shares (grabbers) of one envelope."""
    expire_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    """After this, unclaimed points go back to the giver."""
    giver_may_grab: bool = False
    """Whether the giver may grab a share of their own envelope."""


plugin = Plugin("redenvelope", title="拼手气红包 · Red envelopes", config=RedEnvelopeConfig)
