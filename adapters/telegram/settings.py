"""``[telegram]`` settings, overlaid by ``SHEQUN_TELEGRAM__*`` variables."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from shequn import Settings, adapter_settings

OFFICIAL_API = "https://api.telegram.org"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramSettings(BaseModel):
    token: SecretStr
    """The token BotFather gave; better in ``SHEQUN_TELEGRAM__TOKEN`` than in a file."""
    mode: Literal["polling", "webhook"] = "polling"
    api_base: str = OFFICIAL_API
    """A Bot API server's base URL: the official one or a self-hosted ``telegram-bot-api``."""
    webhook_url: str = ""
    """Public HTTPS URL Telegram posts updates to (webhook mode); its path is served locally."""
    webhook_secret: SecretStr = SecretStr("")
    """Sent by Telegram as ``X-Telegram-Bot-Api-Secret-Token``; 1-256 of ``A-Z a-z 0-9 _ -``."""
    poll_timeout: int = Field(default=30, ge=0, le=50)
    """Seconds one long-polling request waits for updates."""
    group_messages_per_minute: int = Field(default=20, ge=1)
    private_messages_per_second: int = Field(default=1, ge=1)
    messages_per_second: int = Field(default=30, ge=1)
    """All chats together."""
    admin_cache_seconds: float = Field(default=60.0, ge=0)
    """How long a group's admin list is trusted before it is read again."""

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("api_base must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _webhook_complete(self) -> TelegramSettings:
        if self.mode != "webhook":
            return self
        if urlsplit(self.webhook_url).scheme not in ("http", "https"):
            raise ValueError("webhook mode needs webhook_url, the public https URL of the bot")
        if not _SECRET.match(self.webhook_secret.get_secret_value()):
            raise ValueError("webhook mode needs webhook_secret: 1-256 of A-Z a-z 0-9 _ -")
        return self

    @property
    def webhook_path(self) -> str:
        """The local route: the path of ``webhook_url`` (``/telegram`` when it has none)."""
        path = urlsplit(self.webhook_url).path
        return path if path and path != "/" else "/telegram"


def read_settings(settings: Settings) -> TelegramSettings:
    return adapter_settings(settings, "telegram", TelegramSettings)
