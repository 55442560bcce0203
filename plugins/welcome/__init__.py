"""Welcome ritual (入群仪式): verification, join applications, rules, welcome and goodbye.

Newcomers prove they are people (a button, a sum or an emoji, within a time limit, kept quiet
meanwhile), are welcomed by name with who invited them, asked to accept the group's rules
and to introduce themselves. Applications are approved by the group's rules or queued for
admins. Every step happens once per join, however often the platform delivers it.
"""

from shequn.internal import forget

from . import applications, blocklist, farewell, preview, rules, state, verify  # noqa: F401
from .config import WelcomeConfig
from .declaration import plugin

# An application's comment is the applicant's own words.
forget.register_words("welcome_application", "account", "comment")

__all__ = ["WelcomeConfig", "plugin"]
