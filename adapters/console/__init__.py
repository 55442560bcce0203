"""The console: chat with the bot in a terminal, or feed it a script on stdin.

It is the default adapter when no platform is configured. The world (groups, members,
admins, the clock) is simulated in memory; the data go to the configured database, so a
second run sees the points and streaks of the first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shequn import Adapter, App, Settings

PLATFORM = "console"
LOCALES = Path(__file__).with_name("locales")

simulated_clock = True
"""``:clock`` moves time, so the console needs a :class:`shequn.SimulatedClock`."""


def configured(settings: Settings) -> bool:
    """The console needs nothing: it can always run."""
    return True


def create(app: App) -> Adapter:
    """A console adapter on the process's stdin and stdout."""
    from adapters.console.adapter import ConsoleAdapter

    app.translator.load_directory(PLATFORM, LOCALES)
    return ConsoleAdapter(app)


__all__ = ["LOCALES", "PLATFORM", "configured", "create", "simulated_clock"]
