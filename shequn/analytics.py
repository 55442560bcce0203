"""Community-health analytics: ``app.analytics`` answers, labels and charts.

Thin public module; the implementation lives in ``shequn.internal.analytics``.
"""

from shequn.internal.analytics import (
    DECLINE_STAGES,
    Analytics,
    DayPoint,
    Health,
    Kind,
    Label,
    MemberRole,
    MemberStats,
    Participation,
    Retention,
    Role,
    Stage,
    render_chart,
    render_chart_png,
    render_heatmap,
)

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
