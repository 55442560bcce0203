"""Per-group settings of lockdowns (``/config lockdown KEY VALUE``). A lockdown covers the
whole community; the settings of the group where it starts (or where a surge is seen) apply."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LockdownConfig(BaseModel):
    default_minutes: int = Field(default=30, ge=1, le=10_080)
    """How long ``/lockdown`` without a number lasts."""
    mode: Literal["slow", "mute"] = "slow"
    """``slow``: members may post once every ``slow_seconds``; ``mute``: members are muted."""
    slow_seconds: int = Field(default=60, ge=5, le=3600)
    surge_joins: int = Field(default=10, ge=0, le=10_000)
    """Joins within ``surge_join_seconds`` (across the community) that start a lockdown; 0: off."""
    surge_join_seconds: int = Field(default=60, ge=5, le=3600)
    surge_messages: int = Field(default=0, ge=0, le=100_000)
    """Messages within ``surge_message_seconds`` that start a lockdown; 0: off."""
    surge_message_seconds: int = Field(default=10, ge=1, le=3600)
    auto_minutes: int = Field(default=30, ge=1, le=10_080)
    """How long an automatic lockdown lasts."""
