"""Community-health analytics held by the core (``app.analytics``)."""

from shequn.internal.analytics.chart import render_chart, render_chart_png, render_heatmap
from shequn.internal.analytics.health import Health, Label, MemberRole, Participation, Retention
from shequn.internal.analytics.rules import (
    DECLINE_STAGES,
    DayPoint,
    Kind,
    MemberStats,
    Role,
    Stage,
)
from shequn.internal.analytics.service import Analytics

__all__ = [
    "DECLINE_STAGES",
    "Analytics",
    "DayPoint",
    "Health",
    "Kind",
    "Label",
    "MemberRole",
    "MemberStats",
    "Participation",
    "Retention",
    "Role",
    "Stage",
    "render_chart",
    "render_chart_png",
    "render_heatmap",
]
