"""Translations: every user-facing string is a key looked up per locale.

Each plugin (and the core) ships ``locales/<locale>.toml`` files of flat ``key = "text"``
pairs. Lookups fall back from the group's locale to English, then to the key itself, so a
missing translation shows up as a readable key instead of a crash.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path
from string import Formatter
from typing import Any

log = logging.getLogger("shequn.i18n")

SUPPORTED_LOCALES = ("zh-CN", "en")
FALLBACK_LOCALE = "en"


class TranslatableError(Exception):
    """An error whose message for people is a translation ``key`` filled with ``values``.

    Handlers answer it with ``ctx.t(error.key, **error.values)``, in the group's language.
    """

    def __init__(self, key: str, /, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_formatter = Formatter()


_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    )
)
"""Direction overrides, embeddings, isolates and marks: a name or quote carrying them could
reverse the text around it. Zero-width joiners and spaces stay: emoji and scripts need them,
and plugins put them after ``@`` to defuse mass mentions."""


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` fields only; values are inserted as text and never re-interpreted,
    without the direction controls that could turn the text around them.

    Attribute and index lookups (``{x.__class__}``) are refused so a template edited by an
    admin cannot reach into Python objects.
    """
    out: list[str] = []
    safe = _SafeDict(
        {k: v.translate(_INVISIBLE) if isinstance(v, str) else v for k, v in values.items()}
    )
    for literal, field, spec, conversion in _formatter.parse(template):
        out.append(literal)
        if field is None:
            continue
        if not field.isidentifier():
            out.append("{" + field + "}")
            continue
        value = safe[field]
        if conversion == "r":
            value = repr(value)
        try:
            out.append(format(value, spec or ""))
        except (ValueError, TypeError):
            out.append(str(value))
    return "".join(out)


class Translator:
    """Holds the catalogues of every namespace (``core`` and one per plugin)."""

    def __init__(self) -> None:
        self._catalogues: dict[str, dict[str, dict[str, str]]] = {}

    def load_directory(self, namespace: str, directory: Path) -> None:
        """Read ``<locale>.toml`` files from ``directory`` into ``namespace``."""
        if not directory.is_dir():
            return
        for path in sorted(directory.glob("*.toml")):
            with path.open("rb") as fh:
                data = tomllib.load(fh)
            self.add(namespace, path.stem, {k: str(v) for k, v in _flatten(data).items()})

    def add(self, namespace: str, locale: str, entries: Mapping[str, str]) -> None:
        self._catalogues.setdefault(namespace, {}).setdefault(locale, {}).update(entries)

    def remove(self, namespace: str) -> None:
        self._catalogues.pop(namespace, None)

    def lookup(self, namespace: str, locale: str, key: str) -> str | None:
        catalogue = self._catalogues.get(namespace)
        if catalogue is None:
            return None
        for loc in (locale, FALLBACK_LOCALE):
            text = catalogue.get(loc, {}).get(key)
            if text is not None:
                return text
        return None

    def translate(self, namespace: str, locale: str, key: str, /, **values: Any) -> str:
        """Look ``key`` up in ``namespace`` then in ``core``; fill in ``values``."""
        template = self.lookup(namespace, locale, key)
        if template is None and namespace != "core":
            template = self.lookup("core", locale, key)
        if template is None:
            log.warning("missing translation %s:%s (%s)", namespace, key, locale)
            template = key
        return render(template, values)

    def has(self, namespace: str, key: str) -> bool:
        return self.lookup(namespace, FALLBACK_LOCALE, key) is not None

    def locales(self, namespace: str) -> set[str]:
        return set(self._catalogues.get(namespace, {}))

    def keys(self, namespace: str, locale: str) -> set[str]:
        return set(self._catalogues.get(namespace, {}).get(locale, {}))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat
