"""The ``core`` plugin object that the built-in commands attach to."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from shequn.internal.plugin import Plugin


class CoreConfig(BaseModel):
    """Group-level settings of the core itself (``/config core locale zh-CN``)."""

    locale: Literal["zh-CN", "en"] | None = Field(default=None)
    """Language of the bot in this group; empty: the config file's default."""
    timezone: str | None = None
    """IANA timezone of the group's local day, e.g. ``Asia/Shanghai``."""
    analytics_text: bool = False
    """Keep message text for analytics in this group (metadata only when off)."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r}") from None
        return value


core_plugin = Plugin(
    "core",
    title="Shequn",
    config=CoreConfig,
    switchable=False,
    directory=Path(__file__).resolve().parents[2],
)
