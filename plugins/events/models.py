"""Event tables. Seats are counted on the event row (``taken``) and taken by a conditional
update, so two sign-ups can never both take the last seat; a sign-up row moves between
``going``, ``waiting`` and ``cancelled`` only by conditional updates."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class EventRow(SQLModel, table=True):
    __tablename__ = "events_event"
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200, index=True)
    group_key: str = Field(max_length=200)
    title: str = Field(max_length=200)
    place: str = Field(max_length=500)
    starts_at: float
    deadline: float
    """Sign-ups and cancellations close at this time."""
    capacity: int
    taken: int
    """Seats taken (members ``going``)."""
    cost: int
    secret: str = Field(max_length=64)
    """Key of the minute-by-minute check-in code; never shown."""
    state: str = Field(max_length=10)
    """``open`` -> ``closed`` (after check-in ends) or ``cancelled``."""
    creator: str = Field(max_length=200)
    created_at: float


class Signup(SQLModel, table=True):
    __tablename__ = "events_signup"
    event_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    account: str = Field(max_length=200)
    """The account that signed up (for mentions)."""
    name: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=10)
    """``going``, ``waiting`` or ``cancelled``."""
    round: int
    """How many times this person signed up for the event (keys payments and refunds)."""
    queued_at: float
    """Order of the waiting list."""
    attended_at: float | None = None


class Question(SQLModel, table=True):
    """A question asked in private to everyone who signs up for the event."""

    __tablename__ = "events_question"
    event_id: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    """1, 2, ... in the order they are asked."""
    kind: str = Field(max_length=10)
    """``name``, ``phone`` (validated) or ``text``."""
    label: str = Field(max_length=200)
    """The organiser's wording (for ``name`` and ``phone`` a translated label is shown)."""


class Answer(SQLModel, table=True):
    """A member's answer to one question; one row per question, so a repeated or
    redelivered answer never adds a second. Personal data: deleted when the member is
    forgotten or cancels."""

    __tablename__ = "events_answer"
    event_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    position: int = Field(primary_key=True)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    answered_at: float


class Asking(SQLModel, table=True):
    """A sign-up whose questions are still being asked, oldest first per person: a private
    message from that person answers the oldest one's next question."""

    __tablename__ = "events_asking"
    person: str = Field(primary_key=True, max_length=200)
    event_id: int = Field(primary_key=True)
    queued_at: float


class CheckinMiss(SQLModel, table=True):
    """Wrong check-in codes of one person for one event: counted by a single conditional
    update, so workers sharing the database count together and a restart forgets nothing."""

    __tablename__ = "events_checkin_miss"
    event_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    misses: int
    """Wrong codes since ``window_start``."""
    window_start: float
    locked_until: float
    """No check-in by this person for this event before this time (0: never locked)."""
