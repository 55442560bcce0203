"""Quiz tables: the question bank, rounds, the questions asked, answers and scores.

Uniqueness carries the exactly-once rules: one running round per group (``quiz_active``),
one asked question per round position, one answer per person and question, one winner
(score row) per asked question.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_question"
    __table_args__ = (Index("ix_quiz_question_lang_category", "lang", "category"),)
    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64, unique=True)
    """Hash of language and normalised question: importing the same question twice adds one."""
    bank: str = Field(max_length=100)
    lang: str = Field(max_length=10)
    kind: str = Field(max_length=10)
    """``text`` (typed answer with aliases), ``choice`` or ``truefalse``."""
    category: str = Field(max_length=50)
    difficulty: int
    prompt: str = Field(sa_column=Column(Text, nullable=False))
    options: str = Field(sa_column=Column(Text, nullable=False))
    """JSON list of the choices (empty for text questions)."""
    answers: str = Field(sa_column=Column(Text, nullable=False))
    """JSON list: accepted answers of a text question; ``[index]`` of a choice; ``[true]``."""
    hint: str = Field(sa_column=Column(Text, nullable=False))
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    created_at: float


class QuizRound(SQLModel, table=True):
    __tablename__ = "quiz_round"
    id: int | None = Field(default=None, primary_key=True)
    group_key: str = Field(max_length=200, index=True)
    community: str = Field(max_length=200)
    category: str = Field(max_length=50)
    plan: str = Field(sa_column=Column(Text, nullable=False))
    """JSON list of question ids, in the order they are asked."""
    state: str = Field(max_length=10)
    """``running`` -> ``finished`` or ``stopped``."""
    started_by: str = Field(max_length=200)
    started_at: float
    ended_at: float | None = None


class QuizActive(SQLModel, table=True):
    """The running round of a group: the key allows one."""

    __tablename__ = "quiz_active"
    group_key: str = Field(primary_key=True, max_length=200)
    round_id: int


class QuizAsk(SQLModel, table=True):
    __tablename__ = "quiz_ask"
    __table_args__ = (UniqueConstraint("round_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(index=True)
    position: int
    question_id: int
    asked_at: float
    deadline: float
    state: str = Field(max_length=10)
    """``open`` -> ``won``, ``expired`` or ``cancelled``."""
    winner: str | None = Field(default=None, max_length=200)


class QuizAnswer(SQLModel, table=True):
    """One answer per person and asked question: a choice (true/false), or a right typed
    answer that came too late (``choice`` -1), so the round counts its author as a player."""

    __tablename__ = "quiz_answer"
    ask_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    choice: int
    correct: bool
    answered_at: float


class QuizScore(SQLModel, table=True):
    """The first correct answer of an asked question."""

    __tablename__ = "quiz_score"
    __table_args__ = (Index("ix_quiz_score_community_season", "community", "season"),)
    ask_id: int = Field(primary_key=True)
    round_id: int = Field(index=True)
    community: str = Field(max_length=200)
    season: str = Field(max_length=10)
    person: str = Field(max_length=200)
    points: int
    scored_at: float
