"""Every user-facing string exists in both shipped locales, and templates stay inert."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shequn.internal.i18n import SUPPORTED_LOCALES, render

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIRS = sorted(p for p in ROOT.glob("**/locales") if ".venv" not in p.parts)


@pytest.mark.parametrize("directory", LOCALE_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_locales_have_the_same_keys(directory: Path) -> None:
    keys = {}
    for locale in SUPPORTED_LOCALES:
        with (directory / f"{locale}.toml").open("rb") as fh:
            keys[locale] = set(tomllib.load(fh))
    assert keys["en"] == keys["zh-CN"], keys["en"] ^ keys["zh-CN"]


def test_core_and_plugin_locales_exist() -> None:
    assert ROOT / "shequn" / "locales" in LOCALE_DIRS


def test_render_inserts_values_as_text() -> None:
    assert render("hi {name}", {"name": "{other} @everyone"}) == "hi {other} @everyone"
    assert render("{name.__class__}", {"name": "x"}) == "{name.__class__}"
    assert render("{missing} ok", {}) == "{missing} ok"
    assert render("{n:>3}", {"n": 7}) == "  7"
