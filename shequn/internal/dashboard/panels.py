"""Plugin panels: tables that plugins contribute with ``@plugin.dashboard_panel(...)``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shequn.internal.plugin import PanelScope

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.dashboard")

MAX_ROWS = 200
MAX_CELL = 300


@dataclass(frozen=True, slots=True)
class PanelView:
    plugin: str
    title_key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    failed: bool = False


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") + (" UTC" if value.tzinfo else "")
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


async def panels(app: App, scope: PanelScope, key: str, group_key: str) -> list[PanelView]:
    """Every panel of ``scope`` from plugins enabled in ``group_key`` (a community page
    passes one of its groups, or ``""`` to show all); a failing panel shows as failed."""
    views: list[PanelView] = []
    for plugin in sorted(app.plugins.values(), key=lambda p: p.name):
        if group_key and not app.group_settings.is_enabled(plugin, group_key):
            continue
        for spec in plugin.panels:
            if spec.scope != scope:
                continue
            try:
                rows = (await spec.rows(app, key))[:MAX_ROWS]
            except Exception:
                log.exception("dashboard panel %s of %s failed", spec.title_key, plugin.name)
                views.append(PanelView(plugin.name, spec.title_key, (), (), failed=True))
                continue
            columns: list[str] = []
            for row in rows:
                columns.extend(c for c in row if c not in columns)
            views.append(
                PanelView(
                    plugin.name,
                    spec.title_key,
                    tuple(columns),
                    tuple(tuple(_cell(row.get(c)) for c in columns) for row in rows),
                )
            )
    return views
