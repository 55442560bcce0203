"""Lockdown (封群): in one command, or on a surge of joins or messages, a whole community is
locked: newcomers are held (muted) until it lifts, members are slowed or muted, admins are
not; it lifts by itself, exactly once, even across restarts."""

from . import actions, commands, watch  # noqa: F401  (registers commands, handlers and jobs)
from .config import LockdownConfig
from .declaration import plugin

__all__ = ["LockdownConfig", "plugin"]
