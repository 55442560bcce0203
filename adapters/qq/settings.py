"""The ``[qq]`` section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shequn import Pace


class QQSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["reverse", "forward"] = "reverse"
    """``reverse``: the implementation connects to ``ws://HOST:PORT/onebot/v11/ws`` on
    Shequn's web server (``[web]``). ``forward``: Shequn connects to each of ``urls``."""
    urls: list[str] = Field(default_factory=list)
    """Forward WebSocket addresses of the implementations, e.g. ``ws://127.0.0.1:3001``."""
    access_token: str = ""
    """The token both sides share (``Authorization: Bearer TOKEN``). Keep it in the
    environment (``SHEQUN_QQ__ACCESS_TOKEN``) or the uncommitted config file."""
    access_token_required: bool = True
    """Refuse to start without a token; set false only on a trusted loopback setup."""
    role_cache_seconds: float = Field(default=300.0, ge=0)
    """How long a member's role (owner/admin/member) is remembered."""
    quote_replies: bool = True
    """Fetch the quoted message of a reply (``get_msg``) so plugins see what it answers."""
    forward_lines: int = Field(default=15, ge=0)
    """A message of more lines than this (leaderboards, ``/help``, rosters) goes as a merged
    forward (合并转发), shown folded; plain text where the implementation lacks it. 0: never."""
    forward_chars: int = Field(default=1500, ge=0)
    """The same for a message longer than this many characters. 0: never by length."""
    forward_name: str = "Shequn"
    """The sender name shown on each message inside a merged forward."""
    group_messages_per_second: float = Field(default=1.0, gt=0)
    """How fast the bot writes in one chat (group or private). QQ publishes no bot limit for
    personal accounts; accounts that send fast get risk-controlled (风控), so replies beyond
    this wait and leave merged, one reply a line."""
    messages_per_minute: int = Field(default=20, ge=1)
    """Messages one bot account sends per minute across all its chats."""
    max_text: int = Field(default=4500, ge=100)
    """Longest text of one message: merged replies are split below it. About 5,000
    characters is the most one QQ message carries (go-cqhttp's author, go-cqhttp issue
    #744); the margin keeps clear of it. Merges longer than ``forward_lines`` or
    ``forward_chars`` still go folded, as a merged forward."""

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def pace(self) -> Pace:
        """The windows the core's outbound queue keeps (and merges replies within)."""
        return Pace.steady(self.group_messages_per_second, self.messages_per_minute, self.max_text)

    @model_validator(mode="after")
    def _complete(self) -> QQSettings:
        if self.access_token_required and not self.access_token:
            raise ValueError(
                "qq: access_token is required (set SHEQUN_QQ__ACCESS_TOKEN, the same token "
                "as in the OneBot implementation), or set access_token_required = false"
            )
        if self.mode == "forward" and not self.urls:
            raise ValueError('qq: forward mode needs urls = ["ws://HOST:PORT", ...]')
        return self
