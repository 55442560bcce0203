"""The answers of an event's sign-ups as one table: for ``/event answers`` (in private)
and ``shequn events export --answers ID`` (CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import Connection

from .answers import answers_of, questions_of
from .models import Question
from .stats import safe_cell
from .store import signups


@dataclass(frozen=True, slots=True)
class AnswerRow:
    name: str
    status: str
    """``going`` or ``waiting``."""
    answers: dict[int, str]
    """Question position -> answer (missing: still pending)."""


@dataclass(frozen=True, slots=True)
class AnswerTable:
    questions: list[Question]
    rows: list[AnswerRow]


def answer_table(conn: Connection, event_id: int) -> AnswerTable:
    given: dict[str, dict[int, str]] = {}
    for answer in answers_of(conn, event_id):
        given.setdefault(answer.person, {})[answer.position] = answer.answer
    rows = [
        AnswerRow(s.name, s.status, given.get(s.person, {}))
        for s in signups(conn, event_id)
        if s.status in ("going", "waiting")
    ]
    return AnswerTable(questions_of(conn, event_id), rows)


def answers_csv(table: AnswerTable) -> str:
    """One row per sign-up: name, status, complete (yes/no), then one column per question
    (headed by the organiser's wording); cells that look like formulas are defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "status", "complete", *(safe_cell(q.label) for q in table.questions)])
    for row in table.rows:
        complete = all(q.position in row.answers for q in table.questions)
        cells = [safe_cell(row.answers.get(q.position, "")) for q in table.questions]
        writer.writerow([safe_cell(row.name), row.status, "yes" if complete else "no", *cells])
    return out.getvalue()
