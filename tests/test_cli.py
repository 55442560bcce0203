"""The ``shequn`` command: init, plugins, db upgrade (in process), run (as a subprocess)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shequn.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """The commands set up logging for a process; give pytest's back afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("SHEQUN_"):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "x.db"
    monkeypatch.setenv("SHEQUN_DATABASE__URL", f"sqlite+aiosqlite:///{path}")
    return path


def test_init_writes_the_example_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(app, ["init"])
    assert done.exit_code == 0, done.output
    written = tmp_path / "config" / "shequn.toml"
    example = (ROOT / "config" / "shequn.example.toml").read_text(encoding="utf-8")
    assert written.read_text(encoding="utf-8") == example

    again = runner.invoke(app, ["init", "--locale", "zh-CN"])
    assert again.exit_code == 1
    assert "--force" in again.output
    assert written.read_text(encoding="utf-8") == example

    forced = runner.invoke(
        app, ["init", "--force", "--locale", "zh-CN", "--timezone", "Europe/Berlin"]
    )
    assert forced.exit_code == 0, forced.output
    settings = tomllib.loads(written.read_text(encoding="utf-8"))
    assert settings["locale"] == "zh-CN"
    assert settings["timezone"] == "Europe/Berlin"


def test_init_rejects_unknown_locale_and_timezone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "--locale", "fr"]).exit_code == 2
    assert runner.invoke(app, ["init", "--timezone", "Mars/Base"]).exit_code == 2
    assert not (tmp_path / "config" / "shequn.toml").exists()


def test_example_settings_load_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Path
) -> None:
    from shequn.internal.runtime import read_settings

    settings = read_settings(ROOT / "config" / "shequn.example.toml")
    assert settings.locale == "en"
    assert settings.console.group == "console"
    assert settings.adapters == []


def test_plugins_lists_source_and_title(monkeypatch: pytest.MonkeyPatch, database: Path) -> None:
    monkeypatch.chdir(ROOT)
    done = runner.invoke(app, ["plugins", "--config", str(ROOT / "config/shequn.example.toml")])
    assert done.exit_code == 0, done.output
    rows = {line.split()[0]: line for line in done.output.splitlines()}
    assert "built in" in rows["core"]
    for name in ("signin", "points"):
        if (ROOT / "plugins" / name / "__init__.py").is_file():
            assert f"plugins/{name}" in rows[name]


def test_db_upgrade_applies_and_reports_revisions(
    monkeypatch: pytest.MonkeyPatch, database: Path
) -> None:
    monkeypatch.chdir(ROOT)
    config = ["--config", str(ROOT / "config/shequn.example.toml")]
    first = runner.invoke(app, ["db", "upgrade", *config])
    assert first.exit_code == 0, first.output
    assert database.is_file()
    assert "Upgraded." in first.output
    assert "_0001" in first.output
    second = runner.invoke(app, ["db", "upgrade", *config])
    assert second.exit_code == 0, second.output
    assert "Already up to date." in second.output


def test_missing_config_file_is_a_clear_error(database: Path) -> None:
    done = runner.invoke(app, ["plugins", "--config", "no/such/file.toml"])
    assert done.exit_code == 2
    assert "no configuration file" in done.output


def test_run_is_python_bot_py(tmp_path: Path, database: Path) -> None:
    config = tmp_path / "shequn.toml"
    config.write_text('locale = "en"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "shequn.cli", "run", "--config", str(config)],
        input="/help\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Commands")
