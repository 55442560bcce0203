"""Questions, answers and the queue of sign-ups still being asked, in the database.

An answer row is keyed by (event, person, question), so a double submission or a
redelivered message can never store a second answer to the same question: the second
insert is ignored and the caller learns it was a repeat.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select

from shequn.storage import insert_ignore

from .models import Answer, Asking, EventRow, Question
from .questions import Asked
from .store import get, signups

_question = Question.__table__  # type: ignore[attr-defined]
_answer = Answer.__table__  # type: ignore[attr-defined]
_asking = Asking.__table__  # type: ignore[attr-defined]
_event = EventRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one person stands with one event's questions."""

    event: EventRow
    questions: list[Question]
    answered: dict[int, str]
    """Position -> answer."""

    @property
    def next(self) -> Question | None:
        return next((q for q in self.questions if q.position not in self.answered), None)


def set_questions(conn: Connection, event_id: int, asked: list[Asked]) -> bool:
    """Replace the event's questions; False (nothing changed) once anyone has signed up,
    since their answers would no longer match the questions."""
    if signups(conn, event_id):
        return False
    conn.execute(delete(_question).where(_question.c.event_id == event_id))
    for position, item in enumerate(asked, 1):
        conn.execute(
            _question.insert().values(
                event_id=event_id, position=position, kind=item.kind, label=item.label
            )
        )
    return True


def questions_of(conn: Connection, event_id: int) -> list[Question]:
    rows = conn.execute(
        select(_question).where(_question.c.event_id == event_id).order_by(_question.c.position)
    )
    return [Question(**row._mapping) for row in rows]


def count_questions(conn: Connection, event_id: int) -> int:
    query = select(func.count()).where(_question.c.event_id == event_id)
    return int(conn.execute(query).scalar_one())


def answers_of(conn: Connection, event_id: int, person: str | None = None) -> list[Answer]:
    query = select(_answer).where(_answer.c.event_id == event_id)
    if person is not None:
        query = query.where(_answer.c.person == person)
    rows = conn.execute(query.order_by(_answer.c.person, _answer.c.position))
    return [Answer(**row._mapping) for row in rows]


def queue(conn: Connection, event_id: int, person: str, now: float) -> bool:
    """Ask ``person`` this event's questions (after any event they are answering already).
    True when it is the first in their queue, i.e. its questions are to be asked now."""
    insert_ignore(
        conn, _asking, {"person": person, "event_id": event_id, "queued_at": now},
        ("person", "event_id"),
    )  # fmt: skip
    return current_event(conn, person) == event_id


def current_event(conn: Connection, person: str) -> int | None:
    """The event whose questions ``person`` is answering: the oldest of their open ones
    (events no longer open drop out of the queue)."""
    rows = conn.execute(
        select(_asking.c.event_id, _event.c.state)
        .join(_event, _event.c.id == _asking.c.event_id, isouter=True)
        .where(_asking.c.person == person)
        .order_by(_asking.c.queued_at, _asking.c.event_id)
    ).all()
    for row in rows:
        if row.state == "open":
            return int(row.event_id)
    return None


def progress(conn: Connection, event_id: int, person: str) -> Progress | None:
    event = get(conn, event_id)
    if event is None:
        return None
    answered = {a.position: a.answer for a in answers_of(conn, event_id, person)}
    return Progress(event, questions_of(conn, event_id), answered)


def record(
    conn: Connection, event_id: int, person: str, position: int, answer: str, now: float
) -> bool:
    """Store one answer; False when that question was answered already (a repeat). The
    sign-up leaves the queue with its last answer."""
    row = {
        "event_id": event_id,
        "person": person,
        "position": position,
        "answer": answer,
        "answered_at": now,
    }
    stored = insert_ignore(conn, _answer, row, ("event_id", "person", "position"))
    done = conn.execute(
        select(func.count()).where(_answer.c.event_id == event_id, _answer.c.person == person)
    ).scalar_one()
    if int(done) >= count_questions(conn, event_id):
        conn.execute(
            delete(_asking).where(_asking.c.event_id == event_id, _asking.c.person == person)
        )
    return stored


def drop(conn: Connection, event_id: int, person: str) -> None:
    """Forget a cancelled sign-up's answers (personal data kept no longer than needed)."""
    for target in (_answer, _asking):
        conn.execute(delete(target).where(target.c.event_id == event_id, target.c.person == person))


def stop_asking(conn: Connection, event_id: int) -> None:
    """The event is over: nobody is asked its questions any more (answers are kept)."""
    conn.execute(delete(_asking).where(_asking.c.event_id == event_id))
