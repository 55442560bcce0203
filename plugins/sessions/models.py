"""Session tables. A series is a recurring session; each occurrence is a row made ahead of
time (the rota), whose host is taken by a conditional update, whose reminders are claimed
once by flipping a flag, and which keeps the host's summary."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class SeriesRow(SQLModel, table=True):
    __tablename__ = "sessions_series"
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200, index=True)
    group_key: str = Field(max_length=200, index=True)
    title: str = Field(max_length=200)
    first_at: float
    """Start of occurrence number 1."""
    every_days: int
    timezone: str = Field(max_length=64)
    """The group's timezone at creation: sessions keep their local hour across DST."""
    state: str = Field(max_length=10)
    """``active`` -> ``stopped``."""
    creator: str = Field(max_length=200)
    created_at: float


class OccurrenceRow(SQLModel, table=True):
    __tablename__ = "sessions_occurrence"
    series_id: int = Field(primary_key=True)
    number: int = Field(primary_key=True)
    community: str = Field(max_length=200, index=True)
    group_key: str = Field(max_length=200)
    starts_at: float
    host: str | None = Field(default=None, max_length=200)
    """The host's person key; None while the slot is open."""
    host_account: str | None = Field(default=None, max_length=200)
    host_name: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    host_reminded: bool = False
    group_reminded: bool = False
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    summary_at: float | None = None
