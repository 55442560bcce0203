"""The core's own commands: help, plugin switches, config, account links, communities."""

from shequn.internal.builtin import (  # noqa: F401  (registers commands and handlers)
    activity,
    admin,
    help,
    identity,
    invites,
)
from shequn.internal.builtin.declaration import core_plugin

__all__ = ["core_plugin"]
