"""The ``[wechat]`` section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

KICK_ACTIONS = ("kick_group_member", "wx.kick_group_member", "wx.delete_group_member")
"""Actions that remove a group member, as bridges name them; the first one a bridge lists
in ``get_supported_actions`` is used."""


class WeChatSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["reverse", "forward"] = "reverse"
    """``reverse``: the bridge connects to ``ws://HOST:PORT/onebot/v12/ws`` on Shequn's web
    server (``[web]``). ``forward``: Shequn connects to each of ``urls``."""
    urls: list[str] = Field(default_factory=list)
    """Forward WebSocket addresses of the bridges, e.g. ``ws://127.0.0.1:8082``."""
    access_token: str = ""
    """The token both sides share. Keep it in the environment
    (``SHEQUN_WECHAT__ACCESS_TOKEN``) or the uncommitted config file."""
    access_token_required: bool = True
    """Refuse to start without a token; set false only on a trusted loopback setup."""
    kick_action: str = ""
    """The bridge's action that removes a member, when it has one under another name;
    empty: the first of the usual names the bridge lists as supported."""

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _complete(self) -> WeChatSettings:
        if self.access_token_required and not self.access_token:
            raise ValueError(
                "wechat: access_token is required (set SHEQUN_WECHAT__ACCESS_TOKEN, the same "
                "token as in the bridge), or set access_token_required = false"
            )
        if self.mode == "forward" and not self.urls:
            raise ValueError('wechat: forward mode needs urls = ["ws://HOST:PORT", ...]')
        return self

    def kick_candidates(self) -> tuple[str, ...]:
        return (self.kick_action,) if self.kick_action else KICK_ACTIONS
