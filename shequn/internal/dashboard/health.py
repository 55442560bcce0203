"""Community health from the core's analytics (``app.analytics``).

The dashboard shows what ``group_health`` answers: the lifecycle stage and kind of group with
the evidence behind each, headline figures, retention, participation per activity, and the
daily series and hour-of-week activity as SVG charts. When analytics fails (logged) the
pages say so and show everything else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shequn.internal.analytics import Health, render_chart, render_heatmap

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.dashboard")

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class HealthView:
    stage: str
    stage_code: str
    kind: str
    kind_code: str
    evidence: tuple[str, ...]
    figures: dict[str, str] = field(default_factory=dict)
    """Headline figures: members and messages in the window, newcomer retention."""
    participation: tuple[tuple[str, int, int, int], ...] = ()
    """(activity, people, uses, postings)."""
    charts: dict[str, str] = field(default_factory=dict)
    """Chart name -> SVG text."""


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _charts(result: Health) -> dict[str, str]:
    daily = list(result.daily)
    labels = [point.day.strftime("%m-%d") for point in daily]
    return {
        "activity": render_chart(
            {
                "active members": [p.active_members for p in daily],
                "messages": [p.messages for p in daily],
            },
            labels,
        ),
        "membership": render_chart(
            {"joins": [p.joins for p in daily], "leaves": [p.leaves for p in daily]},
            labels,
            kind="bar",
        ),
        "week": render_heatmap(result.hourly, WEEKDAYS),
    }


async def group_health(
    app: App,
    key: str,
    locale: str | None = None,
    *,
    charts: bool = False,
    community: bool = False,
) -> HealthView | None:
    """The health of a group (or of a community's groups together), or None when analytics
    fails (logged)."""
    try:
        if community:
            result = await app.analytics.community_health(key, locale=locale)
        else:
            result = await app.analytics.group_health(key, locale=locale)
        retention = result.retention
        view = HealthView(
            stage=str(result.stage.name),
            stage_code=str(result.stage.code),
            kind=str(result.kind.name),
            kind_code=str(result.kind.code),
            evidence=tuple(str(e) for e in [*result.stage.evidence, *result.kind.evidence]),
            figures={
                "members": str(result.members),
                "messages": str(result.messages),
                "day1": _percent(retention.day1),
                "day7": _percent(retention.day7),
                "day30": _percent(retention.day30),
            },
            participation=tuple(
                (str(p.activity), int(p.people), int(p.uses), int(p.postings))
                for p in result.participation
            ),
            charts=_charts(result) if charts else {},
        )
    except Exception:
        log.exception("analytics failed for %s", key)
        return None
    return view
