"""The ``[qq]`` section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


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

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

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
