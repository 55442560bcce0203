"""Rendering: Jinja2 templates with the dashboard's translations and small formatters."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

if TYPE_CHECKING:
    from shequn.internal.app import App

TEMPLATES = Path(__file__).with_name("templates")
LOCALES = ("en", "zh-CN")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.filters["when"] = _when
    return env


def _when(epoch: float | None) -> str:
    if not epoch:
        return "-"
    return datetime.fromtimestamp(float(epoch), UTC).strftime("%Y-%m-%d %H:%M UTC")


def render(app: App, locale: str, name: str, **values: Any) -> str:
    def t(key: str, /, **args: Any) -> str:
        return app.translator.translate("dashboard", locale, key, **args)

    def pt(plugin: str, key: str, fallback: str = "") -> str:
        """A plugin's own translation, or ``fallback`` when it has none."""
        found = app.translator.lookup(plugin, locale, key)
        return found if found is not None else (fallback or key)

    return environment().get_template(name).render(t=t, pt=pt, locale=locale, **values)
