"""The ``adminteam`` plugin object and its per-group settings (``/config adminteam KEY VALUE``)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin, parse_duration


class AdminTeamConfig(BaseModel):
    remind_before: str = "15m"
    """How long before a shift starts the admin on duty is reminded in private."""
    report_days: int = Field(default=7, ge=1, le=366)
    """Days ``/duty report`` covers unless it is given a number."""

    @field_validator("remind_before")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        parsed = parse_duration(value)
        if parsed is None or parsed <= timedelta(0) or parsed > timedelta(days=6):
            raise ValueError("write a duration from 1m to 6d, such as 15m or 1h")
        return value.strip().lstrip("+")

    @property
    def lead(self) -> timedelta:
        return parse_duration(self.remind_before) or timedelta(minutes=15)


plugin = Plugin("adminteam", title="值班 · Admin team", config=AdminTeamConfig)
