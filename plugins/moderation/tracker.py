"""Recent messages per member in memory: flooding, repeats and newcomers' first messages.

This state is deliberately not persisted: it covers seconds to minutes, and after a restart
the worst case is that a newcomer's stricter limits end a few messages early. It is bounded:
above ``MAX_MEMBERS`` tracked members the least recently active are forgotten.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from .config import ModerationConfig, Rule

MAX_MEMBERS = 50_000


@dataclass
class _Member:
    times: deque[float] = field(default_factory=deque)
    last_text: str = ""
    repeats: int = 0
    last_at: float = 0.0
    newcomer_left: int = 0
    """Messages still under newcomer limits."""
    told: dict[str, float] = field(default_factory=dict)
    """When the member was last told why a message of theirs was removed, per rule."""


class Tracker:
    def __init__(self) -> None:
        self._members: OrderedDict[tuple[str, str], _Member] = OrderedDict()

    def _get(self, key: tuple[str, str]) -> _Member:
        member = self._members.get(key)
        if member is None:
            member = self._members[key] = _Member()
            while len(self._members) > MAX_MEMBERS:
                self._members.popitem(last=False)
        else:
            self._members.move_to_end(key)
        return member

    def joined(self, group_key: str, person: str, messages: int) -> None:
        self._get((group_key, person)).newcomer_left = messages

    def is_newcomer(self, group_key: str, person: str) -> bool:
        member = self._members.get((group_key, person))
        return member is not None and member.newcomer_left > 0

    def first_notice(
        self, group_key: str, person: str, rule: Rule, now: float, window: float
    ) -> bool:
        """True when the member has not been told about ``rule`` within ``window`` seconds
        (and note that they are told now): one explanation, not one per deleted message."""
        member = self._get((group_key, person))
        last = member.told.get(rule)
        if last is not None and now - last < window:
            return False
        member.told[rule] = now
        return True

    def observe(
        self, group_key: str, person: str, text: str, now: float, config: ModerationConfig
    ) -> Rule | None:
        """Count one message; ``flood`` or ``repeat`` when it crosses a limit."""
        member = self._get((group_key, person))
        if member.newcomer_left > 0:
            member.newcomer_left -= 1
        verdict: Rule | None = None
        if config.flood_messages:
            member.times.append(now)
            while member.times and member.times[0] <= now - config.flood_seconds:
                member.times.popleft()
            if len(member.times) > config.flood_messages:
                member.times.clear()
                verdict = "flood"
        normalised = " ".join(text.split())[:500]
        if (
            normalised
            and normalised == member.last_text
            and now - member.last_at <= (config.repeat_seconds)
        ):
            member.repeats += 1
        else:
            member.repeats = 1
        member.last_text = normalised
        member.last_at = now
        if verdict is None and config.repeat_limit and member.repeats >= config.repeat_limit:
            member.repeats = 0
            verdict = "repeat"
        return verdict
