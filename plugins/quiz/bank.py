"""Reading question banks from CSV, JSON or YAML, with the line of every bad entry.

Each entry becomes a validated :class:`QuestionIn` or an error ``(line, message)``; one bad
line never stops the others. Fields (CSV columns, JSON/YAML keys): ``type`` (``text``,
``choice`` or ``truefalse``), ``question``, ``answer``, ``options``, ``category``,
``difficulty`` (1-5), ``hint``, ``explanation``, ``lang``. In CSV, ``|`` separates options
and the accepted aliases of an answer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from .limits import YAML_LOADER, check_cells, check_json, check_size, check_yaml
from .normalise import normalise, truth_of

Format = Literal["csv", "json", "yaml"]
KINDS = {
    "text": "text",
    "single": "text",
    "填空": "text",
    "问答": "text",
    "choice": "choice",
    "multiple": "choice",
    "mc": "choice",
    "选择": "choice",
    "单选": "choice",
    "truefalse": "truefalse",
    "tf": "truefalse",
    "bool": "truefalse",
    "判断": "truefalse",
}
LETTERS = "ABCDEFGHIJ"
DIFFICULTY_WORDS = {"easy": 1, "简单": 1, "medium": 3, "中等": 3, "hard": 5, "困难": 5}


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split("|") if part.strip()]


class QuestionIn(BaseModel):
    """One question as a bank file states it, checked and put in stored form."""

    kind: str = Field(alias="type", default="text")
    question: str = Field(min_length=1, max_length=1000)
    answer: list[str] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list, max_length=10)
    category: str = Field(default="general", max_length=50)
    difficulty: int = Field(default=1, ge=1, le=5)
    hint: str = Field(default="", max_length=500)
    explanation: str = Field(default="", max_length=1000)
    lang: str = Field(default="", max_length=10)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        kind = KINDS.get(str(value or "text").strip().lower())
        if kind is None:
            raise ValueError("type must be text, choice or truefalse")
        return kind

    @field_validator("question", "category", "hint", "explanation", "lang", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return "" if value is None else str(value).strip()

    @field_validator("answer", "options", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> list[str]:
        return _split(value)

    @field_validator("difficulty", mode="before")
    @classmethod
    def _difficulty(cls, value: Any) -> Any:
        if value is None or value == "":
            return 1
        return DIFFICULTY_WORDS.get(str(value).strip().lower(), value)

    @model_validator(mode="after")
    def _consistent(self) -> QuestionIn:
        if not self.answer:
            raise ValueError("answer is missing")
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            self.answer = [str(self._choice_index())]
        elif self.kind == "truefalse":
            truth = truth_of(self.answer[0])
            if truth is None:
                raise ValueError(f"answer {self.answer[0]!r} is neither true nor false")
            self.answer = ["true" if truth else "false"]
        elif not any(normalise(a) for a in self.answer):
            raise ValueError("the answer has no letters or digits")
        self.category = self.category or "general"
        return self

    def _choice_index(self) -> int:
        given = self.answer[0]
        letter = given.strip().upper()
        if len(letter) == 1 and letter in LETTERS[: len(self.options)]:
            return LETTERS.index(letter)
        if given.isdecimal() and 1 <= int(given) <= len(self.options):
            return int(given) - 1
        wanted = normalise(given)
        for index, option in enumerate(self.options):
            if normalise(option) == wanted:
                return index
        last = LETTERS[len(self.options) - 1]
        raise ValueError(f"answer {given!r} is not one of the options (A-{last})")

    def row(self, bank: str, default_lang: str, now: float) -> dict[str, Any]:
        """The ``quiz_question`` row for this question."""
        lang = self.lang or default_lang
        fingerprint = hashlib.sha256(f"{lang}\n{normalise(self.question)}".encode()).hexdigest()
        answers: list[Any]
        if self.kind == "choice":
            answers = [int(self.answer[0])]
        elif self.kind == "truefalse":
            answers = [self.answer[0] == "true"]
        else:
            answers = self.answer
        return {
            "fingerprint": fingerprint,
            "bank": bank[:100],
            "lang": lang,
            "kind": self.kind,
            "category": self.category,
            "difficulty": self.difficulty,
            "prompt": self.question,
            "options": json.dumps(self.options, ensure_ascii=False),
            "answers": json.dumps(answers, ensure_ascii=False),
            "hint": self.hint,
            "explanation": self.explanation,
            "created_at": now,
        }


@dataclass
class Parsed:
    questions: list[tuple[int, QuestionIn]] = field(default_factory=list)
    """(line, question)."""
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line, what is wrong); line 0 when the whole file is unreadable."""


def guess_format(name: str, text: str) -> Format:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    head = text.lstrip()[:1]
    if head in "[{":
        return "json"
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return "csv" if "question" in first and "," in first and ":" not in first else "yaml"


def _problem(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "__root__")
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _add(parsed: Parsed, line: int, data: Any) -> None:
    if not isinstance(data, dict):
        parsed.errors.append((line, "expected a mapping of fields"))
        return
    try:
        parsed.questions.append((line, QuestionIn.model_validate(data)))
    except ValidationError as error:
        parsed.errors.append((line, _problem(error)))


def parse_csv(text: str) -> Parsed:
    parsed = Parsed()
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "question" not in [f.strip() for f in reader.fieldnames]:
        parsed.errors.append((1, "the header must name at least the columns question, answer"))
        return parsed
    cells = 0
    try:
        for row in reader:
            cells += len(row)
            check_cells(cells)
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            clean = {(k or "").strip(): v for k, v in row.items() if k}
            _add(parsed, reader.line_num, clean)
    except csv.Error as error:
        parsed.errors.append((reader.line_num, f"unreadable CSV: {error}"))
    return parsed


def parse_json(text: str) -> Parsed:
    """A JSON list of objects; each object's line is found by decoding element by element."""
    parsed = Parsed()
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if position >= len(text) or text[position] != "[":
        parsed.errors.append((1, "expected a JSON list of questions"))
        return parsed
    position = _skip(text, position + 1)
    if position < len(text) and text[position] == "]":
        return parsed
    while position < len(text):
        line = text.count("\n", 0, position) + 1
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            parsed.errors.append((error.lineno, f"invalid JSON: {error.msg}; reading stopped"))
            return parsed
        _add(parsed, line, item)
        position = _skip(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip(text, position + 1)
        elif position < len(text) and text[position] == "]":
            return parsed
        else:
            line = text.count("\n", 0, position) + 1
            parsed.errors.append((line, "invalid JSON: expected , or ]; reading stopped"))
            return parsed
    parsed.errors.append((text.count("\n") + 1, "invalid JSON: the list is not closed"))
    return parsed


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\ufeff":
        position += 1
    return position


def parse_yaml(text: str) -> Parsed:
    """A YAML list of mappings (or a mapping with a ``questions`` list)."""
    parsed = Parsed()
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
        data = yaml.load(text, Loader=YAML_LOADER)  # a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        parsed.errors.append((line, f"invalid YAML: {getattr(error, 'problem', error)}"))
        return parsed
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        assert isinstance(node, yaml.MappingNode)
        node = next(v for k, v in node.value if k.value == "questions")
        data = data["questions"]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        parsed.errors.append((1, "expected a YAML list of questions"))
        return parsed
    for item_node, item in zip(node.value, data, strict=True):
        _add(parsed, item_node.start_mark.line + 1, item)
    return parsed


def parse(text: str, fmt: Format) -> Parsed:
    """Read a bank; :class:`~.limits.BankRefused` when it is too large, too deep, has too
    many nodes or YAML aliases (checked before anything is built)."""
    text = text.removeprefix("\ufeff")
    check_size(text)
    if fmt == "csv":
        return parse_csv(text)
    if fmt == "json":
        check_json(text)
        return parse_json(text)
    check_yaml(text)
    return parse_yaml(text)
