"""QQ groups through a OneBot v11 implementation (NapCat, Lagrange, LLOneBot), on nonebot2.

Configured by a ``[qq]`` section (or ``SHEQUN_QQ__*`` variables). nonebot and its OneBot
adapter are imported only by :func:`create`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shequn import Adapter, App, Settings

PLATFORM = "qq"


def configured(settings: Settings) -> bool:
    """A ``[qq]`` section or any ``SHEQUN_QQ__*`` variable."""
    return settings.section(PLATFORM) is not None or any(
        key.upper().startswith("SHEQUN_QQ__") for key in os.environ
    )


def create(app: App) -> Adapter:
    from adapters.qq.adapter import QQAdapter
    from adapters.qq.settings import QQSettings
    from shequn import adapter_settings

    return QQAdapter(app, adapter_settings(app.settings, PLATFORM, QQSettings))


__all__ = ["PLATFORM", "configured", "create"]
