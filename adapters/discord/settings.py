"""The ``[discord]`` section of the settings (or ``SHEQUN_DISCORD__*`` variables)."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, field_validator

from shequn import Settings, adapter_settings

SECTION = "discord"


class DiscordSettings(BaseModel):
    """What the Discord adapter reads at start. The token is a secret: keep it out of git."""

    token: SecretStr = SecretStr("")
    """The bot token from the Developer Portal (Bot page)."""
    application_id: int | None = None
    """The application id; read from the token's application when not given."""
    guild_ids: list[int] = Field(default_factory=list)
    """Servers whose slash commands are synced at once; global commands can take a while."""
    shards: int | None = Field(default=None, ge=1)
    """Number of shards (an AutoShardedClient); unset: one connection."""
    message_content: bool = True
    """Ask for the privileged message-content intent, needed for prefix and keyword commands."""
    sync_commands: bool = True
    """Publish every core command as a slash command at start."""
    defer_after: float = Field(default=1.5, gt=0, le=2.5)
    """Seconds a slash command may take before its answer is deferred (Discord allows 3)."""
    api_base: str = ""
    """Another HTTP API base (``http://host:port/api/v10``), for a compatible or test server."""
    gateway_url: str = ""
    """Another gateway (``ws://host:port/``), for a compatible or test server."""

    @field_validator("guild_ids", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        if isinstance(value, int | str):
            return [value]
        return value

    @property
    def has_token(self) -> bool:
        return bool(self.token.get_secret_value().strip())


def read_settings(settings: Settings) -> DiscordSettings:
    return adapter_settings(settings, SECTION, DiscordSettings)
