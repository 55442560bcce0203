"""Settings of share tracking: per group (``/config sharelinks KEY VALUE``) and for the
whole bot (the ``[sharelinks]`` section or ``SHEQUN_SHARELINKS__KEY``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shequn import Settings, adapter_settings


class SharelinksConfig(BaseModel):
    top_size: int = Field(default=10, ge=1, le=50)
    """How many members ``/share top`` lists."""


class ShareSettings(BaseModel):
    public_url: str = ""
    """The web app's address as members reach it (``https://bot.example.org``); empty: the
    ``[web]`` host and port."""
    secret: str = ""
    """Salt of the visitor hashes; set it (and keep it) so that no one can tell visitors'
    addresses from the stored hashes."""


def share_settings(settings: Settings) -> ShareSettings:
    return adapter_settings(settings, "sharelinks", ShareSettings)


def base_url(settings: Settings) -> str:
    configured = share_settings(settings).public_url.strip().rstrip("/")
    if configured:
        return configured
    return f"http://{settings.web.host}:{settings.web.port}"
