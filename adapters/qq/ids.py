"""QQ ids as the numbers OneBot v11 wants, parsed strictly.

``str.isdigit`` accepts characters such as ``"²"`` or Arabic-Indic digits that ``int`` then
refuses (or reads as other numbers), so ids are checked against ASCII digits and a bounded
length here, once, and a bad id fails with an error that names what it was.
"""

from __future__ import annotations

import re

from shequn.internal.onebot import MAX_NUMBER_DIGITS

_UNSIGNED = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}")
_SIGNED = re.compile(rf"-?[0-9]{{1,{MAX_NUMBER_DIGITS}}}")


class BadId(ValueError):
    """A string that cannot be the QQ id it was meant to be."""

    def __init__(self, what: str, value: str) -> None:
        super().__init__(
            f"not a QQ {what}: {value[:40]!r} (QQ ids are 1-{MAX_NUMBER_DIGITS} ASCII digits)"
        )
        self.what = what
        self.value = value


def number(value: str, what: str = "id") -> int:
    """A user or group id (``what`` names it in the error) as a number."""
    if not _UNSIGNED.fullmatch(value):
        raise BadId(what, value)
    return int(value)


def message_number(value: str) -> int:
    """A message id as a number; OneBot v11 implementations may hand out negative ones."""
    if not _SIGNED.fullmatch(value):
        raise BadId("message id", value)
    return int(value)
