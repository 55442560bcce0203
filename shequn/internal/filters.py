"""Composable scene filters (``platform("qq") & ~private()``) for handlers and plugins."""

from __future__ import annotations

from collections.abc import Callable

from shequn.internal.event import Event


class Filter:
    """A predicate over events that combines with ``&``, ``|`` and ``~``."""

    __slots__ = ("_test",)

    def __init__(self, test: Callable[[Event], bool]) -> None:
        self._test = test

    def __call__(self, event: Event) -> bool:
        return self._test(event)

    def __and__(self, other: Filter) -> Filter:
        return Filter(lambda e: self._test(e) and other._test(e))

    def __or__(self, other: Filter) -> Filter:
        return Filter(lambda e: self._test(e) or other._test(e))

    def __invert__(self) -> Filter:
        return Filter(lambda e: not self._test(e))


def platform(*names: str) -> Filter:
    allowed = frozenset(names)
    return Filter(lambda e: e.platform in allowed)


def group(*keys: str) -> Filter:
    """Events in the given groups, by ``platform:group_id`` (a channel counts for its guild)."""
    allowed = frozenset(keys)
    return Filter(lambda e: e.scene.group_key in allowed or e.scene.key in allowed)


def user(*keys: str) -> Filter:
    allowed = frozenset(keys)
    return Filter(lambda e: e.user.key in allowed)


def private() -> Filter:
    return Filter(lambda e: e.scene.is_private)


def anywhere() -> Filter:
    return Filter(lambda _e: True)
