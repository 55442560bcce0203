"""Quiz rows, read and written through the core's group-commit writer.

Every state change is a conditional transition or a keyed insert: a round opens only where
none runs (``quiz_active``), a question closes only while ``open``, an answer is recorded
once per person, and the winner's points are keyed by the asked question.

Farming is bounded here too: a member's quiz points of a day stop at the group's daily cap
(counted from the ledger inside the paying transaction, so a redelivery, keyed, pays
nothing twice), and questions are picked least-asked-in-the-group first, so none repeats
until the bank (of that language and category) is used up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from shequn.ledger import Outcome, Posting, entries, post
from shequn.storage import insert_ignore, insert_ignore_returning

from .models import QuizActive, QuizAnswer, QuizAsk, QuizQuestion, QuizRound, QuizScore

_question = QuizQuestion.__table__  # type: ignore[attr-defined]
_round = QuizRound.__table__  # type: ignore[attr-defined]
_active = QuizActive.__table__  # type: ignore[attr-defined]
_ask = QuizAsk.__table__  # type: ignore[attr-defined]
_answer = QuizAnswer.__table__  # type: ignore[attr-defined]
_score = QuizScore.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    kind: str
    category: str
    difficulty: int
    prompt: str
    options: list[str]
    answers: list[Any]
    hint: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Asked:
    """A question put to a group in a round."""

    id: int
    round_id: int
    group_key: str
    position: int
    total: int
    deadline: float
    state: str
    question: Question


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    group_key: str
    community: str
    plan: list[int]
    state: str


class _Undo(Exception):
    pass


# -- the bank --------------------------------------------------------------------------------


def add_questions(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert questions not yet in the bank; return how many were new."""
    return sum(insert_ignore(conn, _question, row, ("fingerprint",)) for row in rows)


def categories(conn: Connection, lang: str | None) -> list[tuple[str, int]]:
    query = select(_question.c.category, func.count()).group_by(_question.c.category)
    if lang is not None:
        query = query.where(_question.c.lang == lang)
    return [(r[0], int(r[1])) for r in conn.execute(query.order_by(_question.c.category))]


def pick_questions(
    conn: Connection, group_key: str, lang: str | None, category: str, count: int
) -> list[int]:
    """``count`` questions at random among those asked least often in the group: none is
    asked again before every other one (of this language and category) was asked."""
    asked = (
        select(_ask.c.question_id, func.count().label("times"))
        .join(_round, _round.c.id == _ask.c.round_id)
        .where(_round.c.group_key == group_key)
        .group_by(_ask.c.question_id)
        .subquery()
    )
    query = select(_question.c.id).outerjoin(asked, asked.c.question_id == _question.c.id)
    if lang is not None:
        query = query.where(_question.c.lang == lang)
    if category:
        query = query.where(func.lower(_question.c.category) == category.lower())
    query = query.order_by(func.coalesce(asked.c.times, 0), func.random()).limit(count)
    return [int(i) for i in conn.execute(query).scalars()]


def _question_of(values: Mapping[str, Any]) -> Question:
    return Question(
        id=int(values["id"]),
        kind=str(values["kind"]),
        category=str(values["category"]),
        difficulty=int(values["difficulty"]),
        prompt=str(values["prompt"]),
        options=list(json.loads(values["options"])),
        answers=list(json.loads(values["answers"])),
        hint=str(values["hint"]),
        explanation=str(values["explanation"]),
    )


# -- rounds ----------------------------------------------------------------------------------


def open_round(
    conn: Connection,
    group_key: str,
    community: str,
    category: str,
    plan: list[int],
    by: str,
    now: float,
) -> int | None:
    """Create a running round unless the group has one; its id, or None."""
    try:
        with conn.begin_nested():
            round_id = conn.execute(
                _round.insert().returning(_round.c.id),
                {
                    "group_key": group_key,
                    "community": community,
                    "category": category[:50],
                    "plan": json.dumps(plan),
                    "state": "running",
                    "started_by": by,
                    "started_at": now,
                },
            ).scalar_one()
            row = {"group_key": group_key, "round_id": round_id}
            if not insert_ignore(conn, _active, row, ("group_key",)):
                raise _Undo
    except _Undo:
        return None
    return int(round_id)


def get_round(conn: Connection, round_id: int) -> Round | None:
    row = conn.execute(select(_round).where(_round.c.id == round_id)).first()
    if row is None:
        return None
    return Round(int(row.id), row.group_key, row.community, json.loads(row.plan), row.state)


def active_round(conn: Connection, group_key: str) -> int | None:
    value = conn.execute(
        select(_active.c.round_id).where(_active.c.group_key == group_key)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def end_round(conn: Connection, round_id: int, state: str, now: float) -> bool:
    """``running -> state`` (finished or stopped); True for the one caller that ended it."""
    done = conn.execute(
        update(_round)
        .where(_round.c.id == round_id, _round.c.state == "running")
        .values(state=state, ended_at=now)
    ).rowcount
    if done != 1:
        return False
    conn.execute(delete(_active).where(_active.c.round_id == round_id))
    if state == "stopped":
        conn.execute(
            update(_ask)
            .where(_ask.c.round_id == round_id, _ask.c.state == "open")
            .values(state="cancelled")
        )
    return True


# -- asked questions -------------------------------------------------------------------------


def ask(
    conn: Connection, round_id: int, position: int, question_id: int, now: float, deadline: float
) -> int | None:
    """Record question ``position`` of a round as asked; its id, or None if it already was."""
    value = insert_ignore_returning(
        conn,
        _ask,
        {
            "round_id": round_id,
            "position": position,
            "question_id": question_id,
            "asked_at": now,
            "deadline": deadline,
            "state": "open",
        },
        ("round_id", "position"),
        "id",
    )
    return None if value is None else int(value)


def get_asked(conn: Connection, ask_id: int) -> Asked | None:
    row = conn.execute(
        select(_ask, _round.c.plan, _round.c.group_key, _question)
        .join(_round, _round.c.id == _ask.c.round_id)
        .join(_question, _question.c.id == _ask.c.question_id)
        .where(_ask.c.id == ask_id)
    ).first()
    return None if row is None else _asked_of(row)


def open_asked(conn: Connection, group_key: str) -> Asked | None:
    """The open question of the group's running round, if any."""
    row = conn.execute(
        select(_ask, _round.c.plan, _round.c.group_key, _question)
        .join(_active, _active.c.round_id == _ask.c.round_id)
        .join(_round, _round.c.id == _ask.c.round_id)
        .join(_question, _question.c.id == _ask.c.question_id)
        .where(_active.c.group_key == group_key, _ask.c.state == "open")
        .order_by(_ask.c.position.desc())
        .limit(1)
    ).first()
    return None if row is None else _asked_of(row)


def _asked_of(row: Any) -> Asked:
    mapping = row._mapping
    question = _question_of({c.name: mapping[c] for c in _question.c})
    return Asked(
        id=int(mapping[_ask.c.id]),
        round_id=int(mapping[_ask.c.round_id]),
        group_key=str(mapping[_round.c.group_key]),
        position=int(mapping[_ask.c.position]),
        total=len(json.loads(mapping[_round.c.plan])),
        deadline=float(mapping[_ask.c.deadline]),
        state=str(mapping[_ask.c.state]),
        question=question,
    )


def expire(conn: Connection, ask_id: int) -> bool:
    """``open -> expired`` at the time limit; True for the one caller that closed it."""
    return bool(
        conn.execute(
            update(_ask).where(_ask.c.id == ask_id, _ask.c.state == "open").values(state="expired")
        ).rowcount
        == 1
    )


def record_answer(
    conn: Connection, ask_id: int, person: str, choice: int, correct: bool, now: float
) -> bool:
    """The person's one answer to a choice question; False if they had answered."""
    row = {
        "ask_id": ask_id,
        "person": person,
        "choice": choice,
        "correct": correct,
        "answered_at": now,
    }
    return insert_ignore(conn, _answer, row, ("ask_id", "person"))


@dataclass(frozen=True, slots=True)
class Cap:
    """A member's quiz points per local day: at most ``points`` (0: no cap) since ``since``
    (the day's start, epoch seconds)."""

    points: int
    since: float

    def room(self, conn: Connection, person: str, community: str) -> int | None:
        """What ``person`` may still win today; None without a cap."""
        if self.points <= 0:
            return None
        won = entries(conn, community, "quiz", since=self.since, person=person)
        return max(0, self.points - sum(e.amount for e in won if e.amount > 0))

    def allow(self, conn: Connection, person: str, community: str, points: int) -> int:
        """The part of ``points`` the cap lets ``person`` win now."""
        room = self.room(conn, person, community)
        return points if room is None else min(points, room)


@dataclass(frozen=True, slots=True)
class Win:
    points: int
    outcome: Outcome
    capped: bool = False
    """Fewer points than a correct answer earns, because of the daily cap."""


def win(
    conn: Connection,
    asked: Asked,
    person: str,
    community: str,
    group_key: str,
    season: str,
    points: int,
    cap: Cap,
    now: float,
) -> Win | None:
    """Close the question with ``person`` as winner and pay them, all at once; None when the
    question was no longer open (someone was faster, or time ran out)."""
    closed = conn.execute(
        update(_ask)
        .where(_ask.c.id == asked.id, _ask.c.state == "open")
        .values(state="won", winner=person)
    ).rowcount
    if closed != 1:
        return None
    earned = cap.allow(conn, person, community, points)
    score = {
        "ask_id": asked.id,
        "round_id": asked.round_id,
        "community": community,
        "season": season,
        "person": person,
        "points": earned,
        "scored_at": now,
    }
    insert_ignore(conn, _score, score, ("ask_id",))
    outcome = Outcome.APPLIED
    if earned > 0:
        posting = Posting(
            person,
            community,
            earned,
            f"quiz question {asked.id}",
            f"quiz:correct:{asked.id}",
            group_key,
            "quiz",
        )
        outcome = post(conn, [posting], now)
    return Win(earned, outcome, earned < points)


# -- scores ----------------------------------------------------------------------------------


def round_scores(conn: Connection, round_id: int) -> list[tuple[str, int, int]]:
    """(person, points, correct answers) of a round, best first."""
    rows = conn.execute(
        select(_score.c.person, func.sum(_score.c.points), func.count())
        .where(_score.c.round_id == round_id)
        .group_by(_score.c.person)
        .order_by(func.count().desc(), func.sum(_score.c.points).desc(), _score.c.person)
    )
    return [(r[0], int(r[1] or 0), int(r[2])) for r in rows]


def round_players(conn: Connection, round_id: int) -> int:
    """How many people took part in a round: answered a choice or scored."""
    asks = select(_ask.c.id).where(_ask.c.round_id == round_id)
    answered = select(_answer.c.person).where(_answer.c.ask_id.in_(asks))
    scored = select(_score.c.person).where(_score.c.round_id == round_id)
    people = answered.union(scored).subquery()
    return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def season_board(
    conn: Connection, community: str, season: str, limit: int
) -> list[tuple[str, int, int]]:
    """(person, points, correct answers) of a season in a community, best first."""
    rows = conn.execute(
        select(_score.c.person, func.sum(_score.c.points), func.count())
        .where(_score.c.community == community, _score.c.season == season)
        .group_by(_score.c.person)
        .order_by(func.count().desc(), func.sum(_score.c.points).desc(), _score.c.person)
        .limit(limit)
    )
    return [(r[0], int(r[1] or 0), int(r[2])) for r in rows]


def pay_prizes(
    conn: Connection,
    round_id: int,
    ranking: list[tuple[str, int, int]],
    prizes: list[int],
    community: str,
    group_key: str,
    cap: Cap,
    now: float,
) -> list[tuple[str, int]]:
    """Pay the round's prizes, each keyed by round and place and cut to what the daily cap
    leaves; (person, prize) paid now."""
    paid = []
    for place, ((person, _points, _correct), full) in enumerate(
        zip(ranking, prizes, strict=False), start=1
    ):
        prize = cap.allow(conn, person, community, full) if full > 0 else 0
        if prize <= 0:
            continue
        posting = Posting(
            person,
            community,
            prize,
            f"quiz round {round_id} place {place}",
            f"quiz:prize:{round_id}:{place}",
            group_key,
            "quiz",
        )
        if post(conn, [posting], now) is Outcome.APPLIED:
            paid.append((person, prize))
    return paid
