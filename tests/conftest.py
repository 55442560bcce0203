"""Shared fixtures. The ``make_bot`` fixture comes from Shequn's own pytest plugin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def database_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite file for a command-line run, and no ``SHEQUN_`` setting from the machine;
    run from the project's root, where ``./plugins`` is found as the bot finds it."""
    for name in list(os.environ):
        if name.startswith("SHEQUN_"):
            monkeypatch.delenv(name)
    path = tmp_path / "bot.db"
    monkeypatch.setenv("SHEQUN_DATABASE__URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.chdir(ROOT)
    return path
