"""The ``events`` plugin object and its per-group settings (``/config events KEY VALUE``)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin, parse_duration


class EventsConfig(BaseModel):
    remind_before: str = "1h"
    """How long before the start the group and the signed-up members are reminded."""
    attendance_points: int = Field(default=10, ge=0, le=100_000)
    """Points for checking in at an event."""
    checkin_hours: int = Field(default=3, ge=1, le=72)
    """Hours after the start during which check-in stays open; then the event closes,
    no-shows are counted and the waiting list is refunded."""

    @field_validator("remind_before")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        parsed = parse_duration(value)
        if parsed is None or parsed <= timedelta(0):
            raise ValueError("write a duration such as 30m, 2h or 1d")
        return value.strip().lstrip("+")

    @property
    def reminder_lead(self) -> timedelta:
        parsed = parse_duration(self.remind_before)
        assert parsed is not None  # validated
        return parsed


plugin = Plugin("events", title="活动 · Events", config=EventsConfig)
