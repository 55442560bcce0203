"""Per-group settings of the titles plugin (``/config titles KEY VALUE``)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from shequn.titles import MAX_TITLE_LENGTH


class TitlesConfig(BaseModel):
    push_to_platform: bool = True
    """Show the newest title as the member's platform title where one exists (QQ)."""
    max_days: int = Field(default=3650, ge=1, le=36500)
    """Longest duration an admin may give a title, in days."""
    streak_rule: bool = True
    """Daily: the longest current sign-in streak earns ``streak_title``."""
    streak_title: str = ""
    """Name of the streak title; empty: the built-in name in the group's language."""
    streak_minimum: int = Field(default=3, ge=1, le=3660)
    """Shortest streak, in days, that earns the streak title."""
    quotes_rule: bool = True
    """Daily: the most quotes accepted in ``rule_days`` earns ``quotes_title``."""
    quotes_title: str = ""
    quotes_minimum: int = Field(default=1, ge=1, le=100_000)
    inviters_rule: bool = True
    """Daily: the most rewarded invitations in ``rule_days`` earns ``inviters_title``."""
    inviters_title: str = ""
    inviters_minimum: int = Field(default=1, ge=1, le=100_000)
    hosts_rule: bool = True
    """Daily: the most sharing sessions hosted in ``rule_days`` earns ``hosts_title``."""
    hosts_title: str = ""
    hosts_minimum: int = Field(default=1, ge=1, le=100_000)
    rule_days: int = Field(default=30, ge=1, le=3660)
    """Window of the quote and inviter counts, in days."""
    max_holders: int = Field(default=3, ge=1, le=20)
    """Most members sharing one rule title on a tie."""
    rule_hour: int = Field(default=0, ge=0, le=23)
    """Local hour at which the rules are evaluated every day."""

    @field_validator("streak_title", "quotes_title", "inviters_title", "hosts_title")
    @classmethod
    def _short(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value) > MAX_TITLE_LENGTH:
            raise ValueError(f"a title has at most {MAX_TITLE_LENGTH} characters")
        return value
