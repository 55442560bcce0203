"""The command reference (``docs/commands.md``, ``docs/commands.zh-CN.md``), generated from the
command declarations of the core and every built-in plugin, like ``/help``, so the docs cannot
drift from the code. Regenerate with ``python -m shequn.internal.reference``; ``--check`` only
tells whether the committed files are current."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from shequn.internal.app import App
from shequn.internal.config import Settings
from shequn.internal.i18n import Translator
from shequn.internal.loader import discover
from shequn.internal.plugin import CommandSpec
from shequn.internal.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
LOCALES = {"en": "commands.md", "zh-CN": "commands.zh-CN.md"}
COMMAND = "python -m shequn.internal.reference"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(words: Sequence[str], prefix: str = "") -> str:
    return ", ".join(f"`{_cell(prefix + w)}`" for w in words)


def _title(translator: Translator, registry: Registry, locale: str, name: str) -> str:
    if translator.has(name, "_title"):
        return translator.translate(name, locale, "_title")
    plugin = registry.plugins[name]
    return plugin.title or plugin.name


def _what(translator: Translator, locale: str, spec: CommandSpec) -> str:
    name = spec.plugin.name
    if not (translator.has(name, spec.help_key) or translator.has("core", spec.help_key)):
        return ""
    return _cell(translator.translate(name, locale, spec.help_key))


def render(registry: Registry, translator: Translator, locale: str, prefix: str = "/") -> str:
    """The reference in ``locale``: one table per plugin, one row per command."""

    def t(key: str) -> str:
        return translator.translate("core", locale, key, prefix=prefix, command=COMMAND)

    lines = [f"# {t('reference.title')}", "", t("reference.intro"), ""]
    by_plugin: dict[str, list[CommandSpec]] = {}
    for spec in registry.unique_commands():
        by_plugin.setdefault(spec.plugin.name, []).append(spec)
    header = ["command", "who", "what", "aliases", "keywords"]
    for name, specs in sorted(by_plugin.items(), key=lambda kv: (kv[0] != "core", kv[0])):
        lines += [f"## {_title(translator, registry, locale, name)} (`{name}`)", ""]
        lines.append("| " + " | ".join(t(f"reference.{h}") for h in header) + " |")
        lines.append("|" + "---|" * len(header))
        for spec in specs:
            who = translator.translate("core", locale, f"level.{spec.permission.name.lower()}")
            row = [
                _code([spec.usage()], prefix),
                who,
                _what(translator, locale, spec),
                _code(spec.prefixed_only, prefix),
                _code(spec.keywords),
            ]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines)


def expected(directory: Path = ROOT / "docs") -> dict[Path, str]:
    """Each reference file and the text it should hold: the core and every built-in plugin
    loaded into an app that is never started (its database is never opened)."""
    with tempfile.TemporaryDirectory() as scratch:
        app = App(Settings(database={"url": f"sqlite+aiosqlite:///{scratch}/unused.db"}))
        app.load_plugins(found.plugin for found in discover([ROOT / "plugins"]))
    return {
        directory / file: render(app.registry, app.translator, locale)
        for locale, file in LOCALES.items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--check", action="store_true", help="only tell whether docs are current")
    parser.add_argument("--directory", type=Path, default=ROOT / "docs", help="where they live")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected(args.directory).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        verb = "is stale" if args.check else "written"
        print(f"{path.name} {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
