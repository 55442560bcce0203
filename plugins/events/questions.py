"""Sign-up questions: reading the organiser's list and checking a member's answers.

``/event questions ID name | phone | T-shirt size`` (or ``name phone "T-shirt size"``):
``name`` and ``phone`` (also 姓名, 手机, 电话...) are known kinds, anything else is a
free-form question. Answers are cleaned (Unicode normalised, control and invisible
characters dropped, spaces collapsed) and cut to a length, so odd input is stored as text
a spreadsheet and a chat can show.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass

from shequn import TranslatableError

MAX_QUESTIONS = 10
MAX_LABEL = 100
MAX_ANSWER = {"name": 100, "phone": 40, "text": 500}
KINDS = {
    "name": "name",
    "姓名": "name",
    "名字": "name",
    "phone": "phone",
    "tel": "phone",
    "手机": "phone",
    "手机号": "phone",
    "电话": "phone",
}
MAX_INPUT = 5_000
"""Characters of a message looked at; anything longer is too long whatever it holds."""
CLEAR = frozenset({"none", "clear", "无", "清除"})
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]*$")


class QuestionError(TranslatableError):
    """A question list or an answer that cannot be used as written."""


@dataclass(frozen=True, slots=True)
class Asked:
    kind: str
    label: str


def clean(text: str) -> str:
    """NFC, without control/format characters (zero-width, bidi overrides), one space
    between words."""
    normal = unicodedata.normalize("NFC", text[:MAX_INPUT])
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in normal
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return " ".join(kept.split())


def parse_questions(text: str) -> list[Asked]:
    """The questions of ``text``; an empty list for ``none``/``clear``."""
    text = text.replace("｜", "|").replace("“", '"').replace("”", '"')
    if text.strip().lower() in CLEAR:
        return []
    if "|" in text:
        words = text.split("|")
    else:
        try:
            words = shlex.split(text)
        except ValueError:
            raise QuestionError("questions.usage") from None
    labels = [clean(w) for w in words if clean(w)]
    if not labels:
        raise QuestionError("questions.usage")
    if len(labels) > MAX_QUESTIONS:
        raise QuestionError("questions.too_many", max=MAX_QUESTIONS)
    asked = []
    for label in labels:
        if len(label) > MAX_LABEL:
            raise QuestionError("questions.too_long", max=MAX_LABEL)
        asked.append(Asked(KINDS.get(label.lower(), "text"), label))
    return asked


def check_answer(kind: str, text: str) -> str:
    """The answer as stored; :class:`QuestionError` when it does not fit the question."""
    if kind == "phone":
        if len(text) > MAX_INPUT:
            raise QuestionError("answer.bad_phone")
        phone = clean(unicodedata.normalize("NFKC", text))
        digits = sum(ch.isascii() and ch.isdigit() for ch in phone)
        if not _PHONE.match(phone) or not 6 <= digits <= 20:
            raise QuestionError("answer.bad_phone")
        return phone
    limit = MAX_ANSWER.get(kind, MAX_ANSWER["text"])
    if len(text) > MAX_INPUT:
        raise QuestionError("answer.too_long", max=limit)
    answer = clean(text)
    if not answer:
        raise QuestionError("answer.empty")
    if len(answer) > limit:
        raise QuestionError("answer.too_long", max=limit)
    return answer
