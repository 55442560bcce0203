"""Settings: ``config/shequn.toml`` overlaid by ``SHEQUN_*`` environment variables.

Secrets (platform tokens) belong in the environment or in the uncommitted TOML file; the
example that ships (``config/shequn.example.toml``) holds none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from shequn.internal.client_address import parse_network

DEFAULT_CONFIG_PATH = Path("config/shequn.toml")


class DatabaseSettings(BaseModel):
    url: str = "sqlite+aiosqlite:///data/shequn.db"
    """SQLAlchemy URL. ``sqlite+aiosqlite:///PATH`` (default) or ``postgresql+asyncpg://...``."""
    batch_size: int = Field(default=256, ge=1)
    """Most writes committed together in one transaction (group commit)."""


class ClusterSettings(BaseModel):
    shared: bool | None = None
    """Several workers on one database: de-duplicate events across workers and share rate
    limits and command cooldowns through the database (one small write per event). Unset: on
    for PostgreSQL (the database for several workers), off for SQLite."""
    dedup_hours: float = Field(default=24.0, gt=0)
    """How long an event key is remembered in the database."""
    refresh_seconds: float = Field(default=2.0, gt=0, le=3600)
    """How often a worker checks whether another changed plugin switches, group settings,
    account links or communities (then it reloads them)."""

    def shared_on(self, dialect: str) -> bool:
        """Whether workers share state on a database of ``dialect``."""
        return self.shared if self.shared is not None else dialect == "postgresql"


class CommandSettings(BaseModel):
    prefixes: list[str] = Field(default_factory=lambda: ["/", "!", "#"])
    """Characters that start a command. Keyword aliases such as ``签到`` need none."""
    suggest_unknown: bool = True
    """Answer an unknown prefixed command with the closest known one (always in private)."""

    @field_validator("prefixes")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        cleaned = [p for p in value if p]
        if not cleaned:
            raise ValueError("at least one command prefix is needed")
        return cleaned


class ConsoleSettings(BaseModel):
    user: str = "alice"
    """Whom you speak as when the console starts."""
    group: str = "console"
    """The simulated group the console starts in."""


class WebSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8080
    dashboard: bool = False
    """Serve the admin dashboard under ``/admin`` (log in with ``shequn admin token create``)."""
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    """A dashboard login lasts this long, then asks again."""
    cookie_secure: bool = False
    """Send the dashboard's cookies over HTTPS only (set it when served behind TLS)."""
    broadcast_interval: float = Field(default=1.0, ge=0, le=600)
    """Seconds between two announcement messages to groups of the same platform."""
    max_body_kib: int = Field(default=64, ge=1, le=1024 * 1024)
    """Largest request body (KiB) a web endpoint reads; a longer one is refused with 413
    while it arrives. Endpoints that need more set their own (the Telegram webhook: 1 MiB)."""
    max_message_kib: int = Field(default=16 * 1024, ge=64, le=1024 * 1024)
    """Largest WebSocket message (KiB) a OneBot implementation may send; a longer one closes
    its connection (code 1009) and it reconnects."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Reverse proxies (addresses or CIDR networks, ``["127.0.0.1", "10.0.0.0/8"]``) whose
    ``X-Forwarded-For`` / ``Forwarded`` headers name the client. Empty: no header is
    believed and the connection's peer is the client (share-link visitors, login throttle)."""

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        return [str(parse_network(text)) for text in value if text.strip()]


class LimitSettings(BaseModel):
    """Rate limits applied to what people type or press, before it is queued."""

    enabled: bool = True
    user_per_second: float = Field(default=2.0, gt=0)
    """Sustained messages a second one person may send the bot (all groups together)."""
    user_burst: int = Field(default=20, ge=1)
    """Messages one person may send at once before the sustained rate applies."""
    group_per_second: float = Field(default=50.0, gt=0)
    """Sustained events a second one group's members are handled at; a surge beyond it waits."""
    group_burst: int = Field(default=200, ge=1)
    group_queue: int = Field(default=5_000, ge=1)
    """Events of one group that may wait for the group's rate; beyond, they are dropped
    (logged, and counted in ``/stats``)."""
    notice_seconds: float = Field(default=60.0, ge=0)
    """At most one "slow down" notice per person (or group) in this many seconds."""


class Settings(BaseSettings):
    """Everything Shequn reads at start. Adapters and plugins add their own sections."""

    model_config = SettingsConfigDict(
        env_prefix="SHEQUN_",
        env_nested_delimiter="__",
        extra="allow",
    )

    locale: Literal["zh-CN", "en"] = "en"
    """Default locale for groups that did not choose one."""
    log_level: str = ""
    """DEBUG, INFO, WARNING or ERROR; empty: warnings on the console, info elsewhere."""
    timezone: str = "Asia/Shanghai"
    """Default timezone of a group's local day (sign-in, digests)."""
    superusers: list[str] = Field(default_factory=list)
    """Accounts as ``platform:user_id`` that may do everything everywhere."""
    adapters: list[str] = Field(default_factory=list)
    """Adapters to start. Empty: every configured platform, else the console."""
    plugin_dirs: list[str] = Field(default_factory=lambda: ["plugins"])
    disabled_plugins: list[str] = Field(default_factory=list)
    """Plugins not loaded at all. Per-group switches are set in chat with ``/plugin``."""
    plugin_defaults: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-plugin config defaults for every group, e.g. ``[plugin_defaults.signin] points = 5``."""
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    commands: CommandSettings = Field(default_factory=CommandSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

    _toml_path: ClassVar[Path | None] = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls._toml_path is not None and cls._toml_path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls._toml_path))
        return tuple(sources)

    def section(self, name: str) -> dict[str, Any] | None:
        """An extra TOML section (``[telegram]``...) for an adapter, or None when absent."""
        extra = self.model_extra or {}
        value = extra.get(name)
        return value if isinstance(value, dict) else None


M = TypeVar("M", bound=BaseModel)


def adapter_settings(settings: Settings, name: str, model: type[M]) -> M:
    """An adapter's section: ``[name]`` from the file overlaid by ``SHEQUN_NAME__KEY``
    variables (``SHEQUN_TELEGRAM__TOKEN``), validated by the adapter's own ``model``."""
    data: dict[str, Any] = dict(settings.section(name) or {})
    prefix = f"SHEQUN_{name.upper()}__"
    for key, value in os.environ.items():
        if key.upper().startswith(prefix):
            _assign(data, key[len(prefix) :].lower().split("__"), value)
    return model.model_validate(data)


def _assign(data: dict[str, Any], path: list[str], raw: str) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = parse_value(raw)


def parse_value(raw: str) -> Any:
    """Read JSON (numbers, lists, true/false) where it parses; the raw string otherwise."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, int | float | bool | list | dict) else raw


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read ``path`` (default ``config/shequn.toml`` when it exists) and the environment."""
    Settings._toml_path = path if path is not None else DEFAULT_CONFIG_PATH
    try:
        return Settings(**overrides)
    finally:
        Settings._toml_path = None
