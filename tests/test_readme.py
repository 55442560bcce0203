"""The plugin example of both READMEs runs, exactly as printed, with the shipped harness."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r"<!-- example: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```", re.S)


def examples(readme: Path) -> dict[str, str]:
    return {m["path"]: m["body"] for m in _BLOCK.finditer(readme.read_text(encoding="utf-8"))}


def test_both_readmes_carry_the_same_code() -> None:
    english = examples(ROOT / "README.md")
    chinese = examples(ROOT / "README.zh-CN.md")
    assert set(english) == {
        "plugins/thanks/__init__.py",
        "plugins/thanks/locales/en.toml",
        "plugins/thanks/locales/zh-CN.toml",
        "tests/test_thanks.py",
    }
    assert english == chinese


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_readme_example_passes(readme: str, tmp_path: Path) -> None:
    for relative, body in examples(ROOT / readme).items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "tests/test_thanks.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
