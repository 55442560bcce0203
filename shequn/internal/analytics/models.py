"""Tables of the analytics service: message metadata aggregated per (group, hour, person).

Hours are UTC epoch hours (``floor(seconds / 3600)``), so a group's local days and hours of
the week are derived at read time in its own timezone. Counters only grow, through
``INSERT ... ON CONFLICT DO UPDATE col = col + excluded.col`` batches.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class ActivityRow(SQLModel, table=True):
    """What one person did in one group during one hour."""

    __tablename__ = "core_activity"
    __table_args__ = (Index("ix_core_activity_person", "group_key", "person"),)
    group_key: str = Field(primary_key=True, max_length=200)
    hour: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    messages: int = 0
    chars: int = 0
    links: int = 0
    questions: int = 0
    replies: int = 0
    """Messages that reply to another message."""
    mentions: int = 0
    commands: int = 0
    dissent: int = 0
    """Messages with a word of complaint (see ``metrics.DISSENT_WORDS``)."""
    replies_received: int = 0
    """Replies other people made to this person's messages (where the platform says)."""


class UseRow(SQLModel, table=True):
    """Uses of one activity (a plugin's command or button) by one person in one hour."""

    __tablename__ = "core_activity_use"
    group_key: str = Field(primary_key=True, max_length=200)
    hour: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    activity: str = Field(primary_key=True, max_length=100)
    uses: int = 0


class MembershipRow(SQLModel, table=True):
    """One join or leave, keyed by the event's de-duplication key."""

    __tablename__ = "core_membership"
    __table_args__ = (Index("ix_core_membership_group", "group_key", "at"),)
    event_key: str = Field(primary_key=True, max_length=300)
    group_key: str = Field(max_length=200)
    person: str = Field(max_length=200)
    kind: str = Field(max_length=10)
    """``join`` or ``leave``."""
    at: float


class SeenRow(SQLModel, table=True):
    """Keys of recently counted events, so a redelivery (even after a restart) counts once."""

    __tablename__ = "core_activity_seen"
    event_key: str = Field(primary_key=True, max_length=300)
    at: float = Field(index=True)


class TextRow(SQLModel, table=True):
    """Message text, kept only for groups that opted in (``/config core analytics_text``)."""

    __tablename__ = "core_message_text"
    __table_args__ = (Index("ix_core_message_text_group", "group_key", "at"),)
    event_key: str = Field(primary_key=True, max_length=300)
    group_key: str = Field(max_length=200)
    person: str = Field(max_length=200)
    at: float
    text: str = Field(sa_column=Column(Text, nullable=False))


activity_table = ActivityRow.__table__  # type: ignore[attr-defined]
use_table = UseRow.__table__  # type: ignore[attr-defined]
membership_table = MembershipRow.__table__  # type: ignore[attr-defined]
seen_table = SeenRow.__table__  # type: ignore[attr-defined]
text_table = TextRow.__table__  # type: ignore[attr-defined]
