"""The ``[wechat]`` section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shequn import Pace

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
    group_messages_per_second: float = Field(default=1.0, gt=0)
    """How fast the bot writes in one chat (group or private). WeChat publishes no limit for
    personal accounts; bridge users report warnings ("发送消息过于频繁") when sending faster
    than about one a second for long (WeixinBot issue #149), so replies beyond this wait
    and leave merged, one reply a line."""
    messages_per_minute: int = Field(default=20, ge=1)
    """Messages one bot account sends per minute across all its chats."""
    max_text: int = Field(default=2000, ge=100)
    """Longest text of one message: merged replies are split below it. WeChat's documented
    text limits are about 2,048 bytes (official accounts and WeCom); bridges of personal
    accounts carry more, so this is a safe common size."""

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def pace(self) -> Pace:
        """The windows the core's outbound queue keeps (and merges replies within)."""
        return Pace.steady(self.group_messages_per_second, self.messages_per_minute, self.max_text)

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
