"""Turning ``app.analytics`` answers into a chat message: text always, a chart where the
platform shows images."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

from shequn import App, Image, Message, Text
from shequn.analytics import Health, render_chart_png

log = logging.getLogger("shequn.stats")

CHART_DIR = Path(tempfile.gettempdir()) / "shequn-stats"


def _t(app: App, locale: str, key: str, **values: object) -> str:
    return app.translator.translate("stats", locale, key, **values)


def _title(app: App, locale: str, activity: str) -> str:
    """An activity (a plugin's id) by the plugin's title in ``locale``, as ``/help`` shows it."""
    title = app.translator.lookup(activity, locale, "_title")
    return activity if title is None else title


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def summary(app: App, health: Health, locale: str) -> str:
    """The health of a group as a few lines of text."""
    joins = sum(d.joins for d in health.daily)
    leaves = sum(d.leaves for d in health.daily)
    lines = [
        _t(app, locale, "stats.header", days=health.days),
        _t(
            app,
            locale,
            "stats.totals",
            messages=_t(app, locale, "stats.messages", count=health.messages),
            members=_t(app, locale, "stats.members", count=health.members),
            joins=joins,
            leaves=leaves,
        ),
        _t(app, locale, "stats.stage", stage=health.stage.name),
        *(f"  · {e}" for e in health.stage.evidence),
        _t(app, locale, "stats.kind", kind=health.kind.name),
        *(f"  · {e}" for e in health.kind.evidence),
        _t(
            app,
            locale,
            "stats.retention",
            day1=_pct(health.retention.day1),
            day7=_pct(health.retention.day7),
            day30=_pct(health.retention.day30),
        ),
    ]
    used = [p for p in health.participation if p.people]
    if used:
        parts = ", ".join(
            _t(
                app,
                locale,
                "stats.activity",
                name=_title(app, locale, p.activity),
                people=_t(app, locale, "stats.people", count=p.people),
                uses=_t(app, locale, "stats.uses", count=p.uses),
            )
            for p in used
        )
        lines.append(_t(app, locale, "stats.participation", activities=parts))
    dropped = sum(app.limits.dropped[group] for group in health.groups)
    if dropped:  # a surge beyond the group's queue: the admins should know some were lost
        lines.append(_t(app, locale, "stats.dropped", count=dropped))
    return "\n".join(lines)


def chart_png(app: App, health: Health, locale: str) -> bytes | None:
    """Daily messages and active members as a PNG; None when Pillow is missing."""
    labels = [d.day.strftime("%m-%d") for d in health.daily]
    series = {
        _t(app, locale, "chart.messages"): [float(d.messages) for d in health.daily],
        _t(app, locale, "chart.active"): [float(d.active_members) for d in health.daily],
    }
    title = _t(app, locale, "chart.title", days=health.days)
    try:
        return render_chart_png(series, labels, title=title, kind="bar")
    except ImportError:
        log.info("Pillow is not installed: /stats answers with text only")
        return None


def save_png(data: bytes) -> str:
    """Keep the image in a file (named by its content) and return its ``file://`` URL."""
    CHART_DIR.mkdir(parents=True, exist_ok=True)
    path = CHART_DIR / (hashlib.sha256(data).hexdigest()[:24] + ".png")
    if not path.exists():
        path.write_bytes(data)
    return path.as_uri()


def message(app: App, health: Health, locale: str, *, images: bool) -> Message:
    text = summary(app, health, locale)
    if images:
        png = chart_png(app, health, locale)
        if png is not None:
            try:
                url = save_png(png)
            except OSError:
                log.exception("could not store the stats chart")
            else:
                return Message([Image(url, alt=text.splitlines()[0]), Text(text)])
    return Message([Text(text)])
