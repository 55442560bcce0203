"""Per-person measures plugins offer each other (``app.contributions``), so one plugin can
show another's numbers without importing it.

A plugin offers a named measure with a reader, ``async def reader(app, community)`` returning
person key -> count, usually from its start-up hook::

    app.contributions.offer(plugin, "shares", shares)

and any plugin reads every offered measure of a community with
``await app.contributions.read(community)``. A measure counts for a community when its
plugin is loaded and enabled in at least one group of that community (a group the bot has
seen); switching the plugin off in all of them hides it. A reader that raises, hangs past
:attr:`Contributions.timeout` or returns something else than a mapping is logged with its
plugin's name and left out; the others still show.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shequn.internal.plugin import Plugin
from shequn.internal.registry import Disposer

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.contributions")

Reader = Callable[[Any, str], Awaitable[Mapping[str, int]]]
"""``async def reader(app, community) -> {person: count}``."""

READ_SECONDS = 10.0
"""How long one reader may take before it is left out of a read."""


@dataclass(frozen=True, eq=False)
class Offer:
    plugin: Plugin
    name: str
    reader: Reader


class Contributions:
    """``app.contributions``: the measures offered by loaded plugins, by name."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._offers: dict[str, Offer] = {}
        self.timeout = READ_SECONDS

    def offer(self, plugin: Plugin, name: str, reader: Reader) -> Disposer:
        """Offer measure ``name``; the returned disposer withdraws it. Offering it again from
        the same plugin (a restarted start-up hook) replaces the reader."""
        if not (name.isascii() and name.isidentifier() and name == name.lower()):
            raise ValueError(f"measure name {name!r} must be a lower-case identifier")
        other = self._offers.get(name)
        if other is not None and other.plugin.name != plugin.name:
            raise ValueError(
                f"measure {name!r} of {plugin.name!r} is taken by {other.plugin.name!r}"
            )
        entry = Offer(plugin, name, reader)
        self._offers[name] = entry

        def dispose() -> None:
            if self._offers.get(name) is entry:
                del self._offers[name]

        return dispose

    def withdraw(self, plugin_name: str) -> None:
        """Drop every measure of ``plugin_name`` (the plugin is being unloaded)."""
        for name in [n for n, o in self._offers.items() if o.plugin.name == plugin_name]:
            del self._offers[name]

    def names(self) -> list[str]:
        return sorted(self._offers)

    async def read(self, community: str) -> dict[str, dict[str, int]]:
        """Measure name -> person -> count, for the measures that count in ``community``."""
        offers = await self._counting(community)
        results = await asyncio.gather(*(self._read_one(o, community) for o in offers))
        return {o.name: r for o, r in zip(offers, results, strict=True) if r is not None}

    async def _counting(self, community: str) -> list[Offer]:
        app = self._app
        loaded = [o for o in self._offers.values() if app.plugins.get(o.plugin.name) is o.plugin]
        if not loaded:
            return []
        groups = [g.group_key for g in await app.groups.known(community)]
        enabled = app.group_settings.is_enabled
        return [o for o in loaded if any(enabled(o.plugin, g) for g in groups)]

    async def _read_one(self, entry: Offer, community: str) -> dict[str, int] | None:
        try:
            found = await asyncio.wait_for(entry.reader(self._app, community), self.timeout)
        except TimeoutError:
            log.error(
                "measure %r of plugin %s took over %.0fs in %s; left out",
                entry.name,
                entry.plugin.name,
                self.timeout,
                community,
            )
            return None
        except Exception:
            log.exception(
                "measure %r of plugin %s failed in %s; left out",
                entry.name,
                entry.plugin.name,
                community,
            )
            return None
        if not isinstance(found, Mapping):
            log.error(
                "measure %r of plugin %s returned %s, not a mapping; left out",
                entry.name,
                entry.plugin.name,
                type(found).__name__,
            )
            return None
        clean = {
            k: v
            for k, v in found.items()
            if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        }
        if len(clean) != len(found):
            log.warning(
                "measure %r of plugin %s: %d entries that are not person -> int ignored",
                entry.name,
                entry.plugin.name,
                len(found) - len(clean),
            )
        return clean
