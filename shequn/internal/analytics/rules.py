"""The documented rules: lifecycle stage, kind of group and member roles.

Pure functions over series, so every threshold is testable on generated histories. Each
verdict carries its evidence as translation keys with values (``analytics`` namespace); the
service translates them. The thresholds and their reasons are in the analytics docs; change
both together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    SPROUTING = "sprouting"
    """萌芽期"""
    GROWTH = "growth"
    """高速成长期"""
    ACTIVE = "active"
    """活跃互动期"""
    DECLINING = "declining"
    """衰亡期"""
    SILENT = "silent"
    """沉寂期"""


DECLINE_STAGES = frozenset({Stage.DECLINING, Stage.SILENT})
"""Moving from any other stage into one of these raises the decline alert."""


class Kind(StrEnum):
    VALUABLE = "valuable"
    """价值群"""
    MARGINAL = "marginal"
    """鸡肋群"""
    DEAD = "dead"
    """死亡群"""
    SPAM = "spam"
    """垃圾群"""


class Role(StrEnum):
    ORGANISER = "organiser"
    """组织者"""
    THINKER = "thinker"
    """思考者"""
    CHATTER = "chatter"
    """清谈者"""
    ASKER = "asker"
    """求教者"""
    LURKER = "lurker"
    """围观者"""
    CHALLENGER = "challenger"
    """挑战者"""


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence: a translation key and the figures it shows."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    code: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One local day of a group (or of a community's groups together)."""

    day: date
    active_members: int
    messages: int
    joins: int
    leaves: int


@dataclass(frozen=True, slots=True)
class MemberStats:
    """What one member did over the window (sums of the hourly counters)."""

    person: str
    messages: int = 0
    chars: int = 0
    links: int = 0
    questions: int = 0
    replies: int = 0
    mentions: int = 0
    commands: int = 0
    dissent: int = 0
    replies_received: int = 0
    active_days: int = 0


# -- lifecycle stage ----------------------------------------------------------------------

RECENT_DAYS = 7
BASELINE_DAYS = 21
SILENT_MAX_MESSAGES = 5
SPROUTING_MAX_AGE = 14
DECLINE_RATIO = 0.6
DECLINE_MIN_BASELINE = 20
DECLINE_MIN_LEAVES = 3
GROWTH_MIN_JOINS = 5


def _pct(value: float) -> int:
    return round(value * 100)


def stage(daily: Sequence[DayPoint], age_days: int) -> Verdict:
    """The lifecycle stage from the last four weeks of ``daily`` (oldest first) and the
    number of days since the group's first recorded message."""
    recent = daily[-RECENT_DAYS:]
    baseline = daily[-(RECENT_DAYS + BASELINE_DAYS) : -RECENT_DAYS] if len(daily) > 7 else []
    msgs = sum(d.messages for d in recent)
    joins = sum(d.joins for d in recent)
    leaves = sum(d.leaves for d in recent)
    active = sum(d.active_members for d in recent) / max(1, len(recent))
    weeks = len(baseline) / RECENT_DAYS
    base_msgs = sum(d.messages for d in baseline) / weeks if baseline else 0.0
    base_active = sum(d.active_members for d in baseline) / len(baseline) if baseline else 0.0
    week = Reason("evidence.week_messages", {"messages": msgs})
    if age_days >= RECENT_DAYS and msgs <= SILENT_MAX_MESSAGES:
        return Verdict(
            Stage.SILENT,
            (
                Reason("evidence.silent", {"messages": msgs, "limit": SILENT_MAX_MESSAGES}),
                Reason("evidence.age", {"days": age_days}),
            ),
        )
    if age_days < SPROUTING_MAX_AGE:
        return Verdict(
            Stage.SPROUTING,
            (Reason("evidence.young", {"days": age_days, "limit": SPROUTING_MAX_AGE}), week),
        )
    reasons: list[Reason] = []
    if base_msgs >= DECLINE_MIN_BASELINE and msgs < DECLINE_RATIO * base_msgs:
        reasons.append(
            Reason(
                "evidence.messages_fell",
                {"messages": msgs, "baseline": round(base_msgs), "ratio": _pct(msgs / base_msgs)},
            )
        )
    if leaves >= DECLINE_MIN_LEAVES and leaves > 2 * joins and active < base_active:
        reasons.append(Reason("evidence.leaving", {"leaves": leaves, "joins": joins}))
    if reasons:
        return Verdict(Stage.DECLINING, tuple(reasons))
    if joins >= GROWTH_MIN_JOINS and joins >= 2 * leaves and msgs >= base_msgs:
        return Verdict(
            Stage.GROWTH,
            (
                Reason("evidence.joining", {"joins": joins, "leaves": leaves}),
                Reason("evidence.messages_held", {"messages": msgs, "baseline": round(base_msgs)}),
            ),
        )
    return Verdict(
        Stage.ACTIVE,
        (
            week,
            Reason("evidence.daily_active", {"members": round(active, 1)}),
            Reason("evidence.baseline", {"baseline": round(base_msgs)}),
        ),
    )


# -- kind of group ------------------------------------------------------------------------

DEAD_MAX_DAILY = 1.0
SPAM_MIN_MESSAGES = 20
SPAM_LINK_SHARE = 0.3
SPAM_COMMAND_SHARE = 0.5
SPAM_MAX_REPLY_SHARE = 0.15
VALUABLE_MIN_ACTIVE = 3.0
VALUABLE_REPLY_SHARE = 0.2
VALUABLE_MIN_CHARS = 12.0


@dataclass(frozen=True, slots=True)
class Totals:
    """The group's counters summed over the window."""

    messages: int = 0
    chars: int = 0
    links: int = 0
    replies: int = 0
    commands: int = 0


def kind(daily: Sequence[DayPoint], totals: Totals) -> Verdict:
    """The kind of group over the whole window."""
    days = max(1, len(daily))
    per_day = totals.messages / days
    active = sum(d.active_members for d in daily) / days
    if per_day < DEAD_MAX_DAILY:
        return Verdict(
            Kind.DEAD,
            (Reason("evidence.per_day", {"messages": round(per_day, 2), "days": days}),),
        )
    m = totals.messages
    link_share = totals.links / m
    command_share = totals.commands / m
    reply_share = totals.replies / m
    avg_chars = totals.chars / m
    shares = {
        "links": _pct(link_share),
        "commands": _pct(command_share),
        "replies": _pct(reply_share),
    }
    noisy = link_share >= SPAM_LINK_SHARE or command_share >= SPAM_COMMAND_SHARE
    if m >= SPAM_MIN_MESSAGES and reply_share < SPAM_MAX_REPLY_SHARE and noisy:
        return Verdict(Kind.SPAM, (Reason("evidence.noise", shares),))
    figures = Reason(
        "evidence.conversation",
        {"active": round(active, 1), "replies": shares["replies"], "chars": round(avg_chars)},
    )
    if (
        active >= VALUABLE_MIN_ACTIVE
        and reply_share >= VALUABLE_REPLY_SHARE
        and avg_chars >= VALUABLE_MIN_CHARS
    ):
        return Verdict(Kind.VALUABLE, (figures,))
    missing: list[Reason] = [figures]
    if active < VALUABLE_MIN_ACTIVE:
        missing.append(Reason("evidence.few_active", {"limit": VALUABLE_MIN_ACTIVE}))
    if reply_share < VALUABLE_REPLY_SHARE:
        missing.append(Reason("evidence.few_replies", {"limit": _pct(VALUABLE_REPLY_SHARE)}))
    if avg_chars < VALUABLE_MIN_CHARS:
        missing.append(Reason("evidence.short", {"limit": round(VALUABLE_MIN_CHARS)}))
    return Verdict(Kind.MARGINAL, tuple(missing))


# -- member roles -------------------------------------------------------------------------

LURKER_MAX_MESSAGES = 5
LURKER_MAX_DAYS = 2
CHALLENGER_MIN_DISSENT = 3
CHALLENGER_SHARE = 0.2
ORGANISER_DAY_SHARE = 0.5
ORGANISER_ACTION_SHARE = 0.3
ASKER_SHARE = 0.4
THINKER_MIN_CHARS = 50.0
THINKER_ECHO = 0.3


def role(member: MemberStats, window_days: int) -> Verdict:
    """A member's role over the window: the first rule that matches, in this order."""
    m = member.messages
    if m < LURKER_MAX_MESSAGES or member.active_days <= LURKER_MAX_DAYS:
        return Verdict(
            Role.LURKER,
            (Reason("evidence.quiet", {"messages": m, "days": member.active_days}),),
        )
    if member.dissent >= CHALLENGER_MIN_DISSENT and member.dissent / m >= CHALLENGER_SHARE:
        return Verdict(
            Role.CHALLENGER,
            (
                Reason(
                    "evidence.dissent", {"count": member.dissent, "share": _pct(member.dissent / m)}
                ),
            ),
        )
    actions = (member.mentions + member.links + member.commands) / m
    day_share = member.active_days / max(1, window_days)
    if day_share >= ORGANISER_DAY_SHARE and actions >= ORGANISER_ACTION_SHARE:
        return Verdict(
            Role.ORGANISER,
            (
                Reason("evidence.present", {"days": member.active_days, "window": window_days}),
                Reason("evidence.actions", {"share": _pct(actions)}),
            ),
        )
    if member.questions / m >= ASKER_SHARE:
        return Verdict(
            Role.ASKER,
            (
                Reason(
                    "evidence.questions",
                    {"count": member.questions, "share": _pct(member.questions / m)},
                ),
            ),
        )
    avg_chars = member.chars / m
    echo = member.replies_received / m
    if avg_chars >= THINKER_MIN_CHARS and echo >= THINKER_ECHO:
        return Verdict(
            Role.THINKER,
            (
                Reason("evidence.long", {"chars": round(avg_chars)}),
                Reason("evidence.echo", {"replies": member.replies_received, "share": _pct(echo)}),
            ),
        )
    return Verdict(
        Role.CHATTER,
        (
            Reason(
                "evidence.chat",
                {"messages": m, "days": member.active_days, "chars": round(avg_chars)},
            ),
        ),
    )
