"""The ``lockdown`` plugin object."""

from __future__ import annotations

from shequn import Plugin

from .config import LockdownConfig

plugin = Plugin("lockdown", title="封群 · Lockdown", config=LockdownConfig)
