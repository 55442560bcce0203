"""The core's own commands: help, plugin switches, config, account links, communities."""

from shequn.internal.builtin import admin, help, identity  # noqa: F401  (registers commands)
from shequn.internal.builtin.declaration import core_plugin

__all__ = ["core_plugin"]
