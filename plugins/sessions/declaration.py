"""The ``sessions`` plugin object and its per-group settings (``/config sessions KEY VALUE``)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin, parse_duration


class SessionsConfig(BaseModel):
    every_days: int = Field(default=7, ge=1, le=365)
    """Days between two sessions of a series, unless ``/session create`` says ``every=N``."""
    rota_length: int = Field(default=4, ge=1, le=26)
    """How many upcoming sessions the rota shows and members can volunteer for."""
    host_remind_before: str = "1d"
    """How long before a session its host is reminded in private (the group is asked for a
    volunteer instead when nobody hosts it yet)."""
    group_remind_before: str = "1h"
    """How long before a session the group is reminded."""
    host_points: int = Field(default=20, ge=0, le=100_000)
    """Points for the host, paid once per session when the summary is posted."""
    summary_days: int = Field(default=7, ge=1, le=90)
    """Days after a session during which its host can post the summary."""

    @field_validator("host_remind_before", "group_remind_before")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        parsed = parse_duration(value)
        if parsed is None or parsed <= timedelta(0):
            raise ValueError("write a duration such as 30m, 2h or 1d")
        return value.strip().lstrip("+")

    @property
    def host_lead(self) -> timedelta:
        return parse_duration(self.host_remind_before) or timedelta(days=1)

    @property
    def group_lead(self) -> timedelta:
        return parse_duration(self.group_remind_before) or timedelta(hours=1)


plugin = Plugin("sessions", title="分享 · Sharing sessions", config=SessionsConfig)
