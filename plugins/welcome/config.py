"""Per-group settings of the welcome plugin (``/config welcome KEY VALUE``)."""

from __future__ import annotations

from string import Formatter
from typing import Literal

from pydantic import BaseModel, Field, field_validator

TEMPLATE_FIELDS = ("name", "mention", "group", "count", "inviter", "rules", "title")
"""Variables a welcome, introduction or goodbye template may use."""


class WelcomeConfig(BaseModel):
    verify: Literal["off", "button", "arithmetic", "emoji"] = "button"
    """How newcomers prove they are people: press a button, solve a sum, pick an emoji."""
    verify_seconds: int = Field(default=300, ge=30, le=86_400)
    """Time a newcomer has to pass verification."""
    verify_attempts: int = Field(default=3, ge=1, le=10)
    """Wrong answers allowed before verification fails."""
    on_timeout: Literal["remove", "mute", "warn"] = "remove"
    """What happens when verification fails: remove the newcomer, keep them muted, or only
    post a warning."""
    mute_while_verifying: bool = True
    """Keep newcomers quiet until they pass, never blocking the answer: muted where a
    native button answers the challenge (Telegram, Discord), else their messages are
    removed as they come (where the bot can delete)."""
    welcome: bool = True
    """Post a welcome once a newcomer is in (and verified)."""
    welcome_text: str = Field(default="", max_length=2000)
    """Welcome template; empty: the built-in one. Variables: {name} {mention} {group}
    {count} {inviter} {rules} {title}."""
    intro: bool = False
    """Ask newcomers to introduce themselves after the welcome."""
    intro_text: str = Field(default="", max_length=2000)
    """Introduction prompt template; empty: the built-in one."""
    goodbye: bool = False
    """Post a goodbye when a member leaves."""
    goodbye_text: str = Field(default="", max_length=2000)
    """Goodbye template; empty: the built-in one."""
    delete_after_minutes: int = Field(default=0, ge=0, le=10_080)
    """Remove welcome messages after this many minutes (0: keep them)."""
    rules: str = Field(default="", max_length=4000)
    """The group's rules, shown by /rules and to newcomers; empty: no rules."""
    rules_accept: bool = True
    """Ask newcomers to accept the rules (button or reply “I accept”)."""
    name_length: int = Field(default=32, ge=4, le=64)
    """Longest name shown in a welcome; longer names are cut."""
    applications: Literal["off", "auto", "manual"] = "auto"
    """Join applications: ignore them, approve by the rules below (else queue for admins),
    or queue every one for admins."""
    answer: str = Field(default="", max_length=200)
    """Expected answer to the group's entry question; an application containing it is
    approved (auto mode). Empty: the answer rule is off."""
    approve_invited: bool = True
    """Approve applications whose inviter the platform names (auto mode)."""
    reject_blocked: bool = True
    """Decline applications of people on this community's block list."""

    @field_validator("welcome_text", "intro_text", "goodbye_text")
    @classmethod
    def _template(cls, value: str) -> str:
        try:
            fields = [f for _, f, _, _ in Formatter().parse(value) if f is not None]
        except ValueError as error:
            raise ValueError(f"not a template ({error}); write {{{{ and }}}} for braces") from None
        unknown = sorted({f for f in fields if f not in TEMPLATE_FIELDS})
        if unknown:
            raise ValueError(
                f"unknown variable(s) {', '.join(unknown)}; use {', '.join(TEMPLATE_FIELDS)}"
            )
        return value
