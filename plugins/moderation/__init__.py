"""Moderation (群管): filters, warnings with escalation, admin commands, an audit log, the
shared blacklist, and the kick-chain rule (踢人连带规则).

Its handlers run at priority 10, before the other plugins, and stop a violating message.
"""

from . import commands, panels, removals, watch  # noqa: F401  (registers commands and handlers)
from .config import ModerationConfig
from .declaration import plugin

__all__ = ["ModerationConfig", "plugin"]
