"""The ``quotes`` plugin object and its per-group settings (``/config quotes KEY VALUE``)."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from shequn import Plugin

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class QuotesConfig(BaseModel):
    archive_permission: Literal["member", "admin"] = "member"
    """Who may archive a message with ``/quote``."""
    author_points: int = Field(default=5, ge=0, le=10_000)
    """Points for the author of an archived message (not when archiving one's own words);
    the titles plugin's "most accepted quotes" rule counts these."""
    max_length: int = Field(default=1000, ge=10, le=5000)
    """Longest text archived, in characters (longer messages are refused)."""
    search_results: int = Field(default=5, ge=1, le=20)
    """How many quotes ``/quote search`` shows."""
    digest_enabled: bool = True
    """Post a daily review of the best quotes (精华回顾)."""
    digest_time: str = "21:00"
    """Local time of the daily review (and of the weekly one), ``HH:MM``."""
    digest_size: int = Field(default=5, ge=1, le=20)
    """Quotes in the daily review."""
    weekly_enabled: bool = True
    """Post a weekly best-of."""
    weekly_day: Weekday = "sun"
    """Day of the weekly best-of (at ``digest_time``)."""
    weekly_size: int = Field(default=10, ge=1, le=30)
    """Quotes in the weekly best-of."""

    @field_validator("digest_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hours, sep, minutes = value.strip().replace("：", ":").partition(":")
        if not (sep and hours.isdecimal() and minutes.isdecimal()):
            raise ValueError("write the time as HH:MM, e.g. 21:00")
        if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
            raise ValueError("the time must be between 00:00 and 23:59")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @property
    def digest_at(self) -> time:
        hours, _, minutes = self.digest_time.partition(":")
        return time(int(hours), int(minutes))


plugin = Plugin("quotes", title="语录 · Quotes", config=QuotesConfig)
