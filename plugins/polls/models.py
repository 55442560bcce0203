"""Poll tables. A vote's key is (poll, person, slot): the slot is 0 in a single-choice poll
(one vote per person) and the option in a multiple-choice one (each option once), so a
double-clicked button or a redelivered message never counts twice."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class Poll(SQLModel, table=True):
    __tablename__ = "polls_poll"
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200, index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    options: str = Field(sa_column=Column(Text, nullable=False))
    """JSON list of the options."""
    multiple: bool
    anonymous: bool
    creator: str = Field(max_length=200)
    created_at: float
    closes_at: float
    state: str = Field(max_length=10)
    """``open`` -> ``closed``."""


class PollVote(SQLModel, table=True):
    __tablename__ = "polls_vote"
    poll_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    slot: int = Field(primary_key=True)
    option: int
    voted_at: float
