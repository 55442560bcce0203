"""Moderation (群管): filters, warnings with escalation, admin commands, an audit log, the
shared blacklist, and the kick-chain rule (踢人连带规则).

Its handlers run at priority 10, before the other plugins, and stop a violating message.
"""

from shequn.internal import forget

from . import commands, panels, removals, watch  # noqa: F401  (registers commands and handlers)
from .config import ModerationConfig
from .declaration import plugin

# A removal's chain root is a member too; an appeal is the removed member's own words.
forget.register("moderation_removal", "root")
forget.register_words("moderation_removal", "person", "appeal")

__all__ = ["ModerationConfig", "plugin"]
