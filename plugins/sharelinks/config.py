"""Settings of share tracking: per group (``/config sharelinks KEY VALUE``) and for the
whole bot (the ``[sharelinks]`` section or ``SHEQUN_SHARELINKS__KEY``)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from shequn import Settings, adapter_settings

from .domains import normal_domain


class SharelinksConfig(BaseModel):
    top_size: int = Field(default=10, ge=1, le=50)
    """How many members ``/share top`` lists."""
    allowed_domains: list[str] = Field(default_factory=list, max_length=200)
    """Sites members may share (``example.org`` covers its subdomains too); others are
    refused. Empty: any site, and a visitor first sees a page naming the destination."""

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        return [normal_domain(text) for text in value if text.strip()]


class ShareSettings(BaseModel):
    public_url: str = ""
    """The web app's address as members reach it (``https://bot.example.org``); empty: the
    ``[web]`` host and port."""
    secret: str = ""
    """Key that signs visitor cookies and hashes visitors and addresses (keep it in the
    environment or the uncommitted config). Empty: a key generated once and kept in the
    database."""


def share_settings(settings: Settings) -> ShareSettings:
    return adapter_settings(settings, "sharelinks", ShareSettings)


def base_url(settings: Settings) -> str:
    configured = share_settings(settings).public_url.strip().rstrip("/")
    if configured:
        return configured
    return f"http://{settings.web.host}:{settings.web.port}"
