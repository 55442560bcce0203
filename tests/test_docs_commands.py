"""The committed command reference is exactly what the declarations generate, in both
languages, so the docs cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from shequn.internal.reference import COMMAND, ROOT, expected, main


def test_committed_reference_matches_the_declarations() -> None:
    generated = expected()
    assert len(generated) == 2
    for path, text in generated.items():
        committed = path.read_text(encoding="utf-8") if path.is_file() else ""
        assert committed == text, (
            f"{path.relative_to(ROOT)} is out of date with the command declarations: "
            f"regenerate it with `{COMMAND}` and commit the result"
        )


def test_reference_has_every_command_and_keyword() -> None:
    for path, text in expected().items():
        for needle in ("`/event join <event_id>`", "`报名`", "`到场`", "`封群`", "`我来分享`"):
            assert needle in text, (path.name, needle)


def test_check_tells_stale_docs_and_a_run_rewrites_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "commands.md").write_text("old\n", encoding="utf-8")
    assert main(["--check", "--directory", str(tmp_path)]) == 1
    assert "commands.md is stale" in capsys.readouterr().out
    assert (tmp_path / "commands.md").read_text(encoding="utf-8") == "old\n"
    assert main(["--directory", str(tmp_path)]) == 0
    assert main(["--check", "--directory", str(tmp_path)]) == 0
    assert (tmp_path / "commands.zh-CN.md").read_text(encoding="utf-8").startswith("# 命令一览")
