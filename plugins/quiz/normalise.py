"""Comparing typed answers: ``Ｐａｒｉｓ!``, ``paris`` and `` P a r i s `` are one answer.

NFKC folds full-width forms into half-width ones, ``casefold`` ignores case, and spaces and
punctuation (Unicode categories Z* and P*, ASCII and CJK alike) are dropped. Symbols such as
``+`` stay, so ``C++`` and ``C`` remain different answers.
"""

from __future__ import annotations

import unicodedata

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "对", "正确", "是", "√", "✓", "✔", "o", "○"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "错", "错误", "否", "不对", "×", "✗", "✘", "x"})


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("Z", "P", "C")))


def truth_of(text: str) -> bool | None:
    """``True``/``False`` for a yes/no answer in English or Chinese, else None."""
    word = normalise(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
