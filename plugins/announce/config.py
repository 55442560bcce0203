"""Per-group settings of announcements and the newcomer plan (``/config announce KEY VALUE``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

PLAN_DAYS = (1, 3, 7)
"""The newcomer plan's days: 1 the rules, 3 an introduction prompt, 7 an invitation."""


class AnnounceConfig(BaseModel):
    pin: bool = True
    """Pin each announcement where the platform (and the bot's rights) allow it."""
    broadcast_spacing: int = Field(default=5, ge=0, le=3600)
    """Seconds between the groups of a community broadcast, to stay under platform limits."""
    list_size: int = Field(default=20, ge=1, le=100)
    """How many rows ``/announce list`` and ``/announce log`` show."""
    plan_enabled: bool = False
    """Send the day-by-day plan to each newcomer of this group."""
    rules: str = Field(default="", max_length=2000)
    """The group rules shown on day 1."""
    plan_day1: str = Field(default="", max_length=2000)
    """Day 1 text (empty: the default text with ``rules``; ``-``: skip the day)."""
    plan_day3: str = Field(default="", max_length=2000)
    """Day 3 text (empty: the default introduction prompt; ``-``: skip)."""
    plan_day7: str = Field(default="", max_length=2000)
    """Day 7 text (empty: the default invitation with ``invitation``; ``-``: skip)."""
    invitation: str = Field(default="", max_length=500)
    """What day 7 invites to: an event, a link, a channel."""

    def plan_text(self, day: int) -> str:
        return str(getattr(self, f"plan_day{day}", ""))
