"""What a sign-in earns: the day's points plus a bonus on streak milestones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config import SigninConfig


@dataclass(frozen=True, slots=True)
class Award:
    base: int
    bonus: int

    @property
    def total(self) -> int:
        return self.base + self.bonus


def bonus_for(streak: int, tiers: Mapping[int, int]) -> int:
    """The bonus of the largest tier whose length divides ``streak`` (0 when none does)."""
    matching = [length for length in tiers if streak > 0 and streak % length == 0]
    return tiers[max(matching)] if matching else 0


def next_bonus(streak: int, tiers: Mapping[int, int]) -> tuple[int, int] | None:
    """The next streak length after ``streak`` that earns a bonus, with that bonus."""
    if not tiers:
        return None
    # Every tier's bonus is positive, so a multiple of the shortest tier is never far.
    for length in range(streak + 1, streak + min(tiers) + 1):
        bonus = bonus_for(length, tiers)
        if bonus:
            return length, bonus
    return None


def award_for(config: SigninConfig, streak: int) -> Award:
    return Award(config.points, bonus_for(streak, config.streak_bonus))
