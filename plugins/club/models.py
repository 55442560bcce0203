"""The term table: one row per member and group. ``round`` counts renewals; every job and
every payment is keyed by it, and a stage moves ``active -> warned -> grace -> lapsed`` only
by a conditional update on the same round, so a renewal voids the old round's jobs."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class TermRow(SQLModel, table=True):
    __tablename__ = "club_term"
    group_key: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    community: str = Field(max_length=200)
    account: str = Field(max_length=200)
    """The member's account in this group (for mentions, private messages, kick and mute)."""
    name: str = Field(sa_column=Column(Text, nullable=False))
    started_at: float
    ends_at: float
    stage: str = Field(max_length=10)
    """``active``, ``warned``, ``grace`` or ``lapsed``."""
    round: int
    action: str = Field(default="", max_length=10)
    """What the lapse did: ``kick``, ``mute`` or ``none``; empty before a lapse."""
    updated_at: float
