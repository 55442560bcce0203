"""WeChat groups through a bridge that speaks OneBot v12 (ComWeChat and others), on nonebot2.

Configured by a ``[wechat]`` section (or ``SHEQUN_WECHAT__*`` variables). nonebot and its
OneBot adapter are imported only by :func:`create`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shequn import Adapter, App, Settings

PLATFORM = "wechat"


def configured(settings: Settings) -> bool:
    """A ``[wechat]`` section or any ``SHEQUN_WECHAT__*`` variable."""
    return settings.section(PLATFORM) is not None or any(
        key.upper().startswith("SHEQUN_WECHAT__") for key in os.environ
    )


def create(app: App) -> Adapter:
    from adapters.wechat.adapter import WeChatAdapter
    from adapters.wechat.settings import WeChatSettings
    from shequn import adapter_settings

    return WeChatAdapter(app, adapter_settings(app.settings, PLATFORM, WeChatSettings))


__all__ = ["PLATFORM", "configured", "create"]
