"""Polls (线上投票): single or multiple choice, anonymous or not, with a deadline; votes by
button (numbered replies where a platform has none) or command, once per person, and
results as text bars."""

from . import commands  # noqa: F401  (registers handlers)
from .declaration import PollsConfig, plugin

__all__ = ["PollsConfig", "plugin"]
