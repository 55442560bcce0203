"""The starter banks in ``data/`` (one per language), put into the bank at every start.

Importing is idempotent (questions are keyed by language and text), so a start adds only
what a newer Shequn ships.
"""

from __future__ import annotations

import logging
from pathlib import Path

from shequn import App

from . import running
from .declaration import plugin
from .importer import import_text

log = logging.getLogger("shequn.quiz")
DATA = Path(__file__).with_name("data")


@plugin.on_startup
async def load_starter(app: App) -> None:
    await running.load(app)
    for path in sorted(DATA.glob("starter.*.yaml")):
        lang = path.name.removeprefix("starter.").removesuffix(".yaml")
        text = path.read_text(encoding="utf-8")
        report = await import_text(app, text, "yaml", lang=lang, bank="starter")
        for line, problem in report.errors:
            log.error("starter bank %s line %d: %s", path.name, line, problem)
