"""The answers of ``app.analytics``: frozen dataclasses the dashboard and plugins show."""

from __future__ import annotations

from dataclasses import dataclass

from shequn.internal.analytics.rules import DayPoint, MemberStats


@dataclass(frozen=True)
class Label:
    """A stage, kind or role with the evidence behind it, translated."""

    code: str
    """Stable code, e.g. ``declining`` (see ``rules.Stage``, ``Kind``, ``Role``)."""
    name: str
    """Translated name, e.g. ``衰亡期``."""
    evidence: list[str]
    """Translated sentences with the figures that decided the label."""


@dataclass(frozen=True, slots=True)
class Retention:
    """Share of newcomers still members N days after joining (None: nobody old enough)."""

    newcomers: int
    day1: float | None
    day7: float | None
    day30: float | None


@dataclass(frozen=True, slots=True)
class Participation:
    """How many people took part in one activity and how often, over the window."""

    activity: str
    """The plugin's name: ``signin``, ``quiz``, ``lottery``, ``polls``..."""
    people: int
    """Distinct people counted by either source."""
    uses: int
    """Commands of the plugin and presses of its buttons (recorded by the core)."""
    postings: int
    """Points-ledger postings made by the plugin in these groups."""


@dataclass(frozen=True)
class Health:
    """Health of one group, or of a community's groups together."""

    scope: str
    """The group key or community key asked about."""
    groups: tuple[str, ...]
    days: int
    timezone: str
    daily: list[DayPoint]
    """One point per local day, oldest first, ``days`` long."""
    retention: Retention
    hourly: list[list[int]]
    """Messages by hour of the week in local time: 7 rows (Monday first) of 24 hours."""
    participation: list[Participation]
    stage: Label
    kind: Label
    members: int
    """Distinct people who posted in the window."""
    messages: int


@dataclass(frozen=True)
class MemberRole:
    person: str
    name: str
    """Last display name seen."""
    role: Label
    stats: MemberStats
