"""Plugin discovery: folders of packages and the ``shequn.plugins`` entry-point group."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from shequn.internal.loader import discover

GOOD = """
from shequn import Context, Plugin

plugin = Plugin("{name}", title="{name}")


@plugin.command("{name}")
async def run(ctx: Context) -> None:
    await ctx.reply("{name}")
"""


def _package(root: Path, name: str, body: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    root = tmp_path / "extplugins"
    root.mkdir()
    (root / "__init__.py").write_text("")
    _package(root, "good", GOOD.format(name="good"))
    _package(root, "broken", "raise RuntimeError('broken at import')\n")
    _package(root, "empty", "x = 1\n")
    _package(root, "skipped", GOOD.format(name="skipped"))
    yield root
    for name in list(sys.modules):
        if name == "extplugins" or name.startswith("extplugins."):
            del sys.modules[name]


def test_folder_discovery_skips_broken_and_disabled(
    plugin_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    found = discover([plugin_dir], disabled=["skipped"])
    assert [f.plugin.name for f in found if f.source.startswith("extplugins")] == ["good"]
    assert "broken" in caplog.text and "empty" in caplog.text


def test_entry_point_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _package(site, "shequn_ext_hello", GOOD.format(name="hello"))
    info = site / "shequn_ext_hello-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shequn-ext-hello\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[shequn.plugins]\nhello = shequn_ext_hello\n")
    monkeypatch.syspath_prepend(str(site))
    found = {f.plugin.name: f.source for f in discover([])}
    assert found["hello"] == "entry point shequn_ext_hello"
    assert "hello" not in {f.plugin.name for f in discover([], disabled=["hello"])}


async def test_disabling_a_plugin_with_migrations_keeps_the_bot_starting(make_bot) -> None:  # type: ignore[no-untyped-def]
    from plugins.signin import plugin as signin

    first = await make_bot(signin, database="shared.db")
    assert "signed in" in await first.say("/signin")
    await first.close()
    without = await make_bot(database="shared.db")  # signin disabled: its branch is set aside
    assert await without.say("/signin") == ""
    await without.close()
    again = await make_bot(signin, database="shared.db")  # back, at its head, data intact
    assert "already signed in" in await again.say("/signin")
