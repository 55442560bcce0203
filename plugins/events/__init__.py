"""Events (线上/线下活动): sign-up with a capacity and a waiting list moved up on cancel,
optional questions asked in private at sign-up, reminders before the start, check-in with a
code that changes every minute (also on a printable QR page), attendance points paid once,
no-shows counted, and statistics exported as CSV."""

from shequn.internal import forget

from . import asking, commands, web  # noqa: F401  (registers handlers and the QR page)
from .declaration import EventsConfig, plugin

# Answers to sign-up questions are the member's own personal data: a member forgotten on
# request takes them along (sign-ups themselves are anonymised like every other row).
forget.register("events_answer", "person", "delete")
forget.register("events_asking", "person", "delete")

__all__ = ["EventsConfig", "plugin"]
