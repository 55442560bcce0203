"""The ``polls`` plugin object and its per-group settings (``/config polls KEY VALUE``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin, parse_duration


def _duration(value: str) -> str:
    parsed = parse_duration(value)
    if parsed is None or parsed <= timedelta(0):
        raise ValueError("write a duration such as 30m, 2h or 1d")
    return value.strip().lstrip("+")


class PollsConfig(BaseModel):
    default_duration: str = "1d"
    """How long a poll stays open when its creator names no duration (``30m``, ``2h``, ``1d``)."""
    max_duration: str = "30d"
    """The longest a poll may stay open."""
    max_options: int = Field(default=10, ge=2, le=20)
    """Most options a poll may offer."""
    anonymous: bool = False
    """Whether polls are anonymous unless the creator says otherwise (``--anonymous``)."""
    bar_width: int = Field(default=10, ge=4, le=30)
    """Width of the result bars, in characters."""
    create_permission: Literal["member", "admin"] = "member"
    """Who may create polls."""

    @field_validator("default_duration", "max_duration")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        return _duration(value)

    def delta(self, text: str) -> timedelta:
        parsed = parse_duration(text)
        assert parsed is not None  # validated
        return parsed


plugin = Plugin("polls", title="投票 · Polls", config=PollsConfig)
