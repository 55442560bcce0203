"""Translations: every user-facing string is a key looked up per locale.

Each plugin (and the core) ships ``locales/<locale>.toml`` files of flat ``key = "text"``
pairs. Lookups fall back from the group's locale to English, then to the key itself, so a
missing translation shows up as a readable key instead of a crash.

A message that depends on a number is a table of CLDR plural categories, chosen by the
``count`` value (or the value named by ``by``) with Babel's plural rules for the locale::

    "members" = { one = "{count} member", other = "{count} members" }
    "uses" = { by = "uses", one = "{uses} use", other = "{uses} uses" }

Chinese has only ``other``. Reasons stored in the database (ledger, audit) are written as
:func:`coded` keys with parameters and rendered by :meth:`Translator.reason` in the reader's
language, so a community whose groups speak different languages reads each in its own.
"""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.units import format_unit

log = logging.getLogger("shequn.i18n")

SUPPORTED_LOCALES = ("zh-CN", "en")
FALLBACK_LOCALE = "en"

PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
"""CLDR's plural categories: a TOML table made of these (and ``by``) is one plural message."""

CODED_PREFIX = "i18n:"
"""Marks a stored reason as ``i18n:<namespace>:<key> <json params>`` (see :func:`coded`)."""


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


@cache
def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale, sep="-")
    except (ValueError, LookupError):
        return Locale.parse(FALLBACK_LOCALE)


def plural_category(locale: str, count: Any) -> str:
    """The CLDR plural category of ``count`` in ``locale``; ``other`` for a non-number."""
    if isinstance(count, bool) or not isinstance(count, int | float):
        try:
            count = float(str(count))
        except ValueError:
            return "other"
    return str(_babel_locale(locale).plural_form(abs(count)))


_DURATION_UNITS = (
    (86_400, "duration-day"),
    (3_600, "duration-hour"),
    (60, "duration-minute"),
    (1, "duration-second"),
)


def format_duration(seconds: float, locale: str) -> str:
    """``seconds`` as people say it in ``locale``: "1 hour, 30 minutes", "1小时30分钟".

    Exact to the second (a mute of 90 minutes is not "2 hours"), with CLDR's unit names and
    list pattern; zero is "0 seconds".
    """
    where = _babel_locale(locale)
    left = max(round(seconds), 0)
    parts: list[str] = []
    for size, unit in _DURATION_UNITS:
        amount, left = divmod(left, size)
        if amount:
            parts.append(str(format_unit(amount, unit, length="long", locale=where)))
    if not parts:
        return str(format_unit(0, "duration-second", length="long", locale=where))
    return str(format_list(parts, style="unit", locale=where))


def coded(namespace: str, key: str, /, **values: str | int | float | bool) -> str:
    """A reason to store: ``key`` of ``namespace`` with ``values``, rendered when read.

    The JSON must fit the 200 characters of a ledger or audit reason: keep values short.
    """
    params = json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"{CODED_PREFIX}{namespace}:{key} {params}"


class Translator:
    """Holds the catalogues of every namespace (``core`` and one per plugin)."""

    def __init__(self) -> None:
        self._catalogues: dict[str, dict[str, dict[str, str]]] = {}
        self._plurals: dict[str, dict[str, dict[str, Mapping[str, str]]]] = {}
        """Plural messages' forms; the catalogue holds their ``other`` form."""

    def load_directory(self, namespace: str, directory: Path) -> None:
        """Read ``<locale>.toml`` files from ``directory`` into ``namespace``."""
        if not directory.is_dir():
            return
        for path in sorted(directory.glob("*.toml")):
            with path.open("rb") as fh:
                data = tomllib.load(fh)
            self.add(namespace, path.stem, _flatten(data))

    def add(self, namespace: str, locale: str, entries: Mapping[str, Any]) -> None:
        """Add ``key -> text`` entries; a value that is a mapping of plural categories
        (with ``other``) is a plural message."""
        catalogue = self._catalogues.setdefault(namespace, {}).setdefault(locale, {})
        plurals = self._plurals.setdefault(namespace, {}).setdefault(locale, {})
        for key, value in entries.items():
            if isinstance(value, Mapping):
                forms = {str(k): str(v) for k, v in value.items()}
                catalogue[key] = forms["other"]
                plurals[key] = forms
            else:
                catalogue[key] = str(value)
                plurals.pop(key, None)

    def remove(self, namespace: str) -> None:
        self._catalogues.pop(namespace, None)
        self._plurals.pop(namespace, None)

    def _find(self, namespace: str, locale: str, key: str) -> tuple[str, str] | None:
        """(the locale it was found in, the text) of ``key``."""
        catalogue = self._catalogues.get(namespace)
        if catalogue is None:
            return None
        for loc in (locale, FALLBACK_LOCALE):
            text = catalogue.get(loc, {}).get(key)
            if text is not None:
                return loc, text
        return None

    def lookup(self, namespace: str, locale: str, key: str) -> str | None:
        found = self._find(namespace, locale, key)
        return None if found is None else found[1]

    def translate(self, namespace: str, locale: str, key: str, /, **values: Any) -> str:
        """Look ``key`` up in ``namespace`` then in ``core``; fill in ``values``; a plural
        message takes the form of its count in the language it was found in."""
        found = self._find(namespace, locale, key)
        if found is None and namespace != "core":
            namespace = "core"
            found = self._find(namespace, locale, key)
        if found is None:
            log.warning("missing translation %s:%s (%s)", namespace, key, locale)
            return render(key, values)
        loc, template = found
        forms = self._plurals.get(namespace, {}).get(loc, {}).get(key)
        if forms is not None:
            by = forms.get("by", "count")
            template = forms.get(plural_category(loc, values.get(by)), forms["other"])
        return render(template, values)

    def reason(self, locale: str, stored: str, plugin: str = "") -> str:
        """A stored ledger or audit reason, for a reader of ``locale``.

        A :func:`coded` reason is translated with its parameters; a bare word that the
        writing ``plugin`` translates as ``reason.<word>`` (as lockdown's ``manual``) is
        translated too; anything else (an admin's own words, older rows) is shown as is.
        """
        if stored.startswith(CODED_PREFIX):
            head, _, params = stored[len(CODED_PREFIX) :].partition(" ")
            namespace, _, key = head.partition(":")
            try:
                values = json.loads(params) if params else {}
            except ValueError:
                return stored
            if key and isinstance(values, dict) and self.has(namespace, key):
                return self.translate(namespace, locale, key, **values)
            return stored
        word = stored.strip()
        if plugin and word.isidentifier() and self.has(plugin, f"reason.{word}"):
            return self.translate(plugin, locale, f"reason.{word}")
        return stored

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
        if isinstance(value, Mapping) and _is_plural(value):
            flat[full] = value
        elif isinstance(value, Mapping):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


def _is_plural(table: Mapping[str, Any]) -> bool:
    return "other" in table and set(table) <= PLURAL_CATEGORIES | {"by"}
