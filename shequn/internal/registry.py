"""Live registrations of loaded plugins, each undone by the disposer it returns."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from shequn.internal.event import Event
from shequn.internal.plugin import CommandSpec, HandlerSpec, JobSpec, Plugin

Disposer = Callable[[], None]


@dataclass
class Registry:
    plugins: dict[str, Plugin] = field(default_factory=dict)
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    """Names and aliases (lower case) -> command."""
    keywords: dict[str, CommandSpec] = field(default_factory=dict)
    """Prefix-less words (``签到``) -> command."""
    handlers: dict[type[Event], list[HandlerSpec]] = field(default_factory=dict)
    jobs: dict[tuple[str, str], JobSpec] = field(default_factory=dict)
    _disposers: dict[str, list[Disposer]] = field(default_factory=dict)
    _cache: dict[type[Event], list[HandlerSpec]] = field(default_factory=dict)

    def load(self, plugin: Plugin) -> Disposer:
        """Register everything ``plugin`` declares; the returned disposer undoes it all."""
        if plugin.name in self.plugins:
            raise ValueError(f"plugin {plugin.name!r} is already loaded")
        disposers: list[Disposer] = []
        self.plugins[plugin.name] = plugin
        try:
            for command in plugin.commands:
                disposers.append(self.add_command(command))
            for handler in plugin.handlers:
                disposers.append(self.add_handler(handler))
            for job in plugin.jobs.values():
                disposers.append(self.add_job(job))
        except Exception:
            for dispose in reversed(disposers):
                dispose()
            del self.plugins[plugin.name]
            raise
        self._disposers[plugin.name] = disposers
        return lambda: self.unload(plugin.name)

    def unload(self, name: str) -> None:
        for dispose in reversed(self._disposers.pop(name, [])):
            dispose()
        self.plugins.pop(name, None)

    def add_command(self, spec: CommandSpec) -> Disposer:
        names = (spec.name, *spec.aliases)
        for name in names:
            other = self.commands.get(name)
            if other is not None:
                raise ValueError(
                    f"command {name!r} of plugin {spec.plugin.name!r} is taken by "
                    f"{other.plugin.name!r}"
                )
        for word in spec.keywords:
            if word in self.keywords:
                raise ValueError(f"keyword {word!r} is taken by {self.keywords[word].plugin.name}")
        for name in names:
            self.commands[name] = spec
        for word in spec.keywords:
            self.keywords[word] = spec

        def dispose() -> None:
            for name in names:
                if self.commands.get(name) is spec:
                    del self.commands[name]
            for word in spec.keywords:
                if self.keywords.get(word) is spec:
                    del self.keywords[word]

        return dispose

    def add_handler(self, spec: HandlerSpec) -> Disposer:
        bucket = self.handlers.setdefault(spec.event_type, [])
        bisect.insort(bucket, spec, key=lambda h: h.priority)
        self._cache.clear()

        def dispose() -> None:
            if spec in bucket:
                bucket.remove(spec)
            self._cache.clear()

        return dispose

    def add_job(self, spec: JobSpec) -> Disposer:
        key = (spec.plugin.name, spec.name)
        self.jobs[key] = spec

        def dispose() -> None:
            self.jobs.pop(key, None)

        return dispose

    def handlers_for(self, event_type: type[Event]) -> list[HandlerSpec]:
        """Handlers of ``event_type`` and its base classes, by priority (cached)."""
        cached = self._cache.get(event_type)
        if cached is None:
            cached = sorted(
                (h for t in event_type.__mro__ for h in self.handlers.get(t, ())),
                key=lambda h: h.priority,
            )
            self._cache[event_type] = cached
        return cached

    def unique_commands(self) -> list[CommandSpec]:
        seen: dict[int, CommandSpec] = {}
        for spec in self.commands.values():
            seen.setdefault(id(spec), spec)
        return sorted(seen.values(), key=lambda c: c.name)
