"""Per-group settings of moderation (``/config moderation KEY VALUE``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

Action = Literal["none", "delete", "warn", "mute", "kick", "ban"]
Rule = Literal["link", "invite_link", "ad", "flood", "repeat", "mentions"]

MAX_PATTERN = 200
"""Longest regular expression an admin may set (kept short: patterns run on every message)."""


def _split_words(value: Any) -> Any:
    """Accept ``a, b,c`` (also with Chinese commas) as well as a list."""
    if isinstance(value, str):
        return [w.strip() for w in value.replace("，", ",").split(",") if w.strip()]
    return value


class ModerationConfig(BaseModel):
    block_links: bool = False
    """Treat every link as a violation (rule ``link``); newcomers always are checked."""
    allowed_domains: list[str] = Field(default_factory=list, max_length=100)
    """Domains whose links are always fine, e.g. ``example.org``."""
    block_invite_links: bool = True
    """Invite links of other groups (t.me/+..., discord.gg/..., QQ group links): rule
    ``invite_link``."""
    ad_keywords: list[str] = Field(default_factory=list, max_length=500)
    """Words that mark an ad (case-insensitive): rule ``ad``."""
    ad_patterns: list[str] = Field(default_factory=list, max_length=50)
    """Regular expressions that mark an ad: rule ``ad``."""
    flood_messages: int = Field(default=8, ge=0, le=1000)
    """More than this many messages within ``flood_seconds`` is flooding (0: off)."""
    flood_seconds: int = Field(default=10, ge=1, le=3600)
    repeat_limit: int = Field(default=3, ge=0, le=100)
    """The same text this many times in a row within ``repeat_seconds`` (0: off)."""
    repeat_seconds: int = Field(default=120, ge=1, le=86_400)
    max_mentions: int = Field(default=6, ge=0, le=100)
    """More mentions than this in one message (0: off)."""
    newcomer_messages: int = Field(default=10, ge=0, le=1000)
    """A member's first N messages after joining get the stricter limits below."""
    newcomer_max_mentions: int = Field(default=2, ge=0, le=100)
    newcomer_block_links: bool = True
    """Newcomers may not post links at all during their first messages."""
    actions: dict[Rule, Action] = Field(
        default_factory=lambda: {  # type: ignore[arg-type]
            "link": "delete",
            "invite_link": "kick",
            "ad": "kick",
            "flood": "mute",
            "repeat": "warn",
            "mentions": "warn",
        }
    )
    """What each rule does; the offending message is deleted first whatever the action.
    Admins may write it as ``ad:ban,flood:warn``."""
    notice_minutes: int = Field(default=10, ge=1, le=10_080)
    """A member whose message a rule removes is told why once per rule in this many minutes."""
    mute_minutes: int = Field(default=10, ge=1, le=43_200)
    """Length of a mute by a rule, by escalation, or by ``/mute`` without a duration."""
    warn_mute_at: int = Field(default=2, ge=0, le=100)
    """A warning that brings the count to this mutes too (0: never)."""
    warn_kick_at: int = Field(default=3, ge=0, le=100)
    """A warning that brings the count to this removes the member (0: never)."""
    warn_ban_at: int = Field(default=0, ge=0, le=100)
    """A warning that brings the count to this bans the member (0: never)."""
    warn_expire_days: int = Field(default=30, ge=0, le=3650)
    """Warnings older than this stop counting (0: they never expire)."""
    chain_enabled: bool = True
    """Kick-chain rule (踢人连带): removing someone for ads removes whom they invited."""
    chain_depth: Literal["direct", "subtree"] = "direct"
    """``direct``: only their own invitees; ``subtree``: invitees of invitees too."""
    chain_rules: list[Rule] = Field(default_factory=lambda: ["ad", "invite_link"])  # type: ignore[arg-type]
    """The rules whose kick or ban sets the chain off (``/kickchain`` always does)."""
    chain_action: Literal["kick", "ban"] = "kick"
    chain_within_days: int = Field(default=0, ge=0, le=3650)
    """Only invitees who joined within this many days (0: whenever they joined)."""
    chain_trust_signins: int = Field(default=0, ge=0, le=10_000)
    """Invitees with at least this many sign-ins are trusted and stay (0: no such exemption)."""
    chain_exempt: list[str] = Field(default_factory=list, max_length=1000)
    """Members never removed by the chain: account ids or ``platform:id`` keys."""
    log_size: int = Field(default=10, ge=1, le=50)
    """Entries ``/modlog`` shows."""

    @field_validator("allowed_domains", "ad_keywords", "chain_exempt", "chain_rules", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return _split_words(value)

    @field_validator("ad_patterns", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("ad_patterns")
    @classmethod
    def _compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if len(pattern) > MAX_PATTERN:
                raise ValueError(f"patterns may have at most {MAX_PATTERN} characters")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @field_validator("actions", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for part in _split_words(value):
            rule, sep, action = part.replace("：", ":").partition(":")
            if not sep:
                raise ValueError("write actions as RULE:ACTION, e.g. ad:ban,flood:warn")
            pairs[rule.strip()] = action.strip()
        return pairs

    @field_validator("ad_keywords", "allowed_domains")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [w.lower()[:100] for w in value]

    def action_for(self, rule: Rule) -> Action:
        return self.actions.get(rule, "delete")
