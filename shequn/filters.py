"""Scene filters for handlers and plugins: ``platform("qq") & ~private()``."""

from shequn.internal.filters import Filter, anywhere, group, platform, private, user

__all__ = ["Filter", "anywhere", "group", "platform", "private", "user"]
