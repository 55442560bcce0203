"""Finding plugins: packages under the plugin folders, and installed distributions that
declare an entry point in the ``shequn.plugins`` group.

A plugin package exposes a module-level ``plugin`` (a :class:`Plugin`). One broken plugin is
logged and skipped; it never stops the others from loading.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from shequn.internal.plugin import Plugin

log = logging.getLogger("shequn.loader")

ENTRY_POINT_GROUP = "shequn.plugins"


@dataclass(frozen=True, slots=True)
class Found:
    plugin: Plugin
    source: str
    """``plugins/signin`` or ``entry point shequn-foo``: shown by ``shequn plugins``."""


def _from_module(module_name: str) -> Plugin:
    module = importlib.import_module(module_name)
    plugin = getattr(module, "plugin", None)
    if not isinstance(plugin, Plugin):
        raise TypeError(f"{module_name} has no module-level `plugin = Plugin(...)`")
    return plugin


def discover(directories: Iterable[str | Path], disabled: Iterable[str] = ()) -> list[Found]:
    """Plugins in ``directories`` (as packages) and from entry points, minus ``disabled``."""
    skip = set(disabled)
    found: dict[str, Found] = {}
    for directory in directories:
        path = Path(directory).resolve()
        if not path.is_dir():
            continue
        package = path.name
        parent = str(path.parent)
        if parent not in sys.path:
            sys.path.insert(0, parent)
        for child in sorted(path.iterdir()):
            if not (child / "__init__.py").is_file() or child.name.startswith("_"):
                continue
            if child.name in skip:
                continue
            try:
                plugin = _from_module(f"{package}.{child.name}")
            except Exception:
                log.exception("could not load plugin %s", child)
                continue
            found.setdefault(plugin.name, Found(plugin, f"{package}/{child.name}"))
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in skip or entry.name in found:
            continue
        try:
            loaded = entry.load()
            candidate = loaded if isinstance(loaded, Plugin) else getattr(loaded, "plugin", None)
            if not isinstance(candidate, Plugin):
                raise TypeError(f"entry point {entry.value} is not a Plugin")
            plugin = candidate
        except Exception:
            log.exception("could not load plugin entry point %s", entry.name)
            continue
        if plugin.name not in skip:
            found.setdefault(plugin.name, Found(plugin, f"entry point {entry.value}"))
    return [f for f in found.values() if f.plugin.name not in skip]
