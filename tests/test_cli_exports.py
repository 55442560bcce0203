"""``shequn export`` and ``shequn events export``: unknown names fail, times are ISO 8601 with
their offset; and no command's ``--help`` shows a stray ``<bool>``."""

from __future__ import annotations

import asyncio
import csv
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from plugins.events import cli as events_cli
from plugins.events import plugin as events_plugin
from plugins.points import plugin as points_plugin
from shequn.cli import add_plugin_commands, app
from shequn.testing import Harness

runner = CliRunner()
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith("SHEQUN_"):
            monkeypatch.delenv(name)
    path = tmp_path / "bot.db"
    monkeypatch.setenv("SHEQUN_DATABASE__URL", f"sqlite+aiosqlite:///{path}")
    yield path


def seed(path: Path) -> None:
    """Bob speaks and gets points in ``group``; ``berlin`` keeps its own timezone."""

    async def run() -> None:
        async with Harness([points_plugin, events_plugin], path, start=START) as bot:
            bot.make_admin("admin")
            bot.make_admin("admin", group="berlin")
            await bot.say("hello", user="bob")
            await bot.say("/grant @bob 5 talk", user="admin")
            await bot.say("/config core timezone Europe/Berlin", user="admin", group="berlin")
            await bot.say("hello", user="bob", group="berlin")
            await bot.say("/grant @bob 3 talk", user="admin", group="berlin")
            await bot.say("/event create 03-11 19:00 | Book club | online | 5", user="admin")

    asyncio.run(run())


def offset_of(value: str) -> timedelta | None:
    return datetime.fromisoformat(value).utcoffset()


def test_export_of_an_unknown_group_fails_and_writes_nothing(
    database: Path, tmp_path: Path
) -> None:
    seed(database)
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "test:nowhere", "--out", str(out)])
    assert result.exit_code == 1
    assert "unknown group test:nowhere" in result.stderr
    assert "Wrote" not in result.stdout
    assert not out.exists()


def test_export_times_are_iso_with_the_group_offset(database: Path, tmp_path: Path) -> None:
    seed(database)
    out = tmp_path / "csv"
    result = runner.invoke(app, ["export", "test:group", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "points.csv").open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["created_at"] == "2025-03-10T10:00:00+08:00"
    assert offset_of(row["created_at"]) == timedelta(hours=8)
    out = tmp_path / "json"
    result = runner.invoke(app, ["export", "test:berlin", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads((out / "points.json").read_text(encoding="utf-8"))
    assert entry["created_at"] == "2025-03-10T03:00:00+01:00"  # its own timezone


def test_events_export_of_an_unknown_event_or_community_fails(
    database: Path, tmp_path: Path
) -> None:
    seed(database)
    unknown_event = runner.invoke(events_cli.app, ["--answers", "99"])
    assert unknown_event.exit_code == 1
    assert "unknown event 99" in unknown_event.stderr and unknown_event.stdout == ""
    unknown = runner.invoke(events_cli.app, ["--community", "test:nowhere"])
    assert unknown.exit_code == 1
    assert "unknown community test:nowhere" in unknown.stderr and unknown.stdout == ""
    known = runner.invoke(events_cli.app, ["--community", "test:group"])
    assert known.exit_code == 0, known.output
    row = next(csv.DictReader(known.stdout.splitlines()))
    assert row["starts_at"] == "2025-03-11T19:00:00+08:00"
    assert offset_of(row["starts_at"]) == timedelta(hours=8)
    answers = runner.invoke(events_cli.app, ["--answers", "1"])
    assert answers.exit_code == 0 and answers.stdout.startswith("name,status,complete")


def command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and group below ``command`` (typer's click groups have ``commands``)."""
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


def test_no_help_shows_a_stray_bool(database: Path) -> None:
    add_plugin_commands()
    paths = list(command_paths(typer.main.get_command(app)))
    assert ("export",) in paths and ("events", "export") in paths and ("init",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], terminal_width=100)
        assert result.exit_code == 0, (path, result.output)
        assert "Show this message and exit." in result.output
        assert "<bool>" not in result.output, (path, result.output)


def test_export_shows_coded_ledger_reasons_as_text(database: Path, tmp_path: Path) -> None:
    """Sign-in stores its ledger reason as a translation key with parameters; the export is
    read by people, so it carries the reason in the configured language, never the code."""
    from plugins.signin import plugin as signin_plugin

    async def run() -> None:
        async with Harness([points_plugin, signin_plugin], database, start=START) as bot:
            await bot.say("/signin", user="bob")

    asyncio.run(run())
    out = tmp_path / "signin"
    result = runner.invoke(app, ["export", "test:group", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "points.csv").open(encoding="utf-8-sig") as fh:
        reasons = [row["reason"] for row in csv.DictReader(fh)]
    assert reasons and all(not r.startswith("i18n:") for r in reasons), reasons
    assert any("2025-03-10" in r for r in reasons), reasons
