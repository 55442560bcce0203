"""Rewriting a forgotten member's keys and names where they sit *inside* other values.

Columns that hold a key are rewritten whole by :mod:`shequn.internal.forget`; but keys are
also embedded in idempotency keys (``signin:<group>:<account>:<day>``), job keys and JSON
job payloads, audit reasons (``tg:1 -> qq:2``), and names in texts ("+200 for Bob's talk").
This module finds those values with one ``LIKE`` per column and rewrites them in Python,
where the match can respect boundaries: ``test:bob`` is not part of ``test:bobby``, and a
member called ``test`` leaves the group key ``test:group`` alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, String, column, false, or_, select, table, update
from sqlalchemy.sql.elements import ColumnElement

WORD = r"[^\W\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]"
"""A letter or digit of a script that puts spaces between words. CJK characters are left out
on purpose: in ``张三说得对`` the name ``张三`` is a whole word although no space follows."""
MIN_NAME = 2
"""Shorter names are not searched for in texts (``a`` would rewrite every sentence)."""


class Scrubber:
    """Replaces each of ``keys`` (exactly, as a key token) and ``names`` (in any case, as a
    word) by its replacement."""

    def __init__(self, keys: Mapping[str, str], names: Mapping[str, str]) -> None:
        self.keys = {k: v for k, v in keys.items() if k}
        self.names = {n: v for n, v in names.items() if len(n.strip()) >= MIN_NAME}
        self._folded = {n.casefold(): v for n, v in self.names.items()}
        self._any_name = next(iter(self.names.values()), "")
        keys_first = sorted(self.keys, key=len, reverse=True)
        names_first = sorted(self.names, key=len, reverse=True)
        # A key ends where no letter, digit, ``_`` or ``-`` follows (``:`` may: it separates
        # the parts of a compound key).
        key_re = f"(?<!{WORD})(?<!-)(?:{'|'.join(map(re.escape, keys_first))})(?!{WORD})(?!-)"
        # A name is a word, and not a part of a key (``test`` in ``test:group``).
        name_re = (
            f"(?<!{WORD})(?<!{WORD}:)(?:{'|'.join(map(re.escape, names_first))})"
            f"(?!{WORD})(?!:{WORD})"
        )
        self._key_re = re.compile(key_re) if self.keys else None
        self._name_re = re.compile(name_re, re.IGNORECASE) if self.names else None

    def rewrite(self, value: str, *, names: bool = True) -> str:
        if self._key_re is not None:
            value = self._key_re.sub(lambda m: self.keys[m.group(0)], value)
        if names and self._name_re is not None:
            value = self._name_re.sub(
                lambda m: self._folded.get(m.group(0).casefold(), self._any_name), value
            )
        return value

    def candidates(self, col: ColumnElement[str], *, names: bool = True) -> ColumnElement[bool]:
        """A SQL filter for the values that may need rewriting (a superset)."""
        tests = [col.contains(k, autoescape=True) for k in self.keys]
        if names:
            tests += [col.icontains(n, autoescape=True) for n in self.names]
        return or_(false(), *tests)


def scrub(
    conn: Connection,
    scrubber: Scrubber,
    tables: Iterable[tuple[str, list[tuple[str, int | None]]]],
    *,
    keep_names: frozenset[str] = frozenset(),
) -> int:
    """Rewrite every matching value of the ``(name, [(column, max length)])`` string columns
    given; names are left alone in ``keep_names`` columns (a display name column belongs to
    its own row's member). How many values were rewritten."""
    if not scrubber.keys and not scrubber.names:
        return 0
    rewritten = 0
    for name, columns in tables:
        for col, length in columns:
            target = table(name, column(col, String))
            with_names = col not in keep_names
            found = conn.execute(
                select(target.c[col])
                .distinct()
                .where(scrubber.candidates(target.c[col], names=with_names))
            ).scalars()
            for old in list(found):
                new = _fit(scrubber.rewrite(old, names=with_names), length)
                if new != old:
                    conn.execute(update(target).where(target.c[col] == old).values({col: new}))
                    rewritten += 1
    return rewritten


def _fit(value: str, length: int | None) -> str:
    """``value`` within a column's length: an alias can be longer than the key it replaced;
    the cut end becomes a digest, so distinct keys stay distinct."""
    if length is None or len(value) <= length:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
    return value[: length - len(digest) - 1] + "~" + digest
