"""Announcement tables. Times are UTC epoch seconds, as everywhere in Shequn."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Schedule(SQLModel, table=True):
    """An announcement: one-off (``cron`` empty) or recurring, for a group or its community."""

    __tablename__ = "announce_schedule"
    __table_args__ = (Index("ix_announce_schedule_community", "community", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200)
    scope: str = Field(max_length=16)
    """``group`` or ``community``."""
    group_key: str = Field(max_length=200)
    """The group it was made in (the only target of a group announcement)."""
    scene: str = Field(max_length=2000)
    """That group's scene as JSON, to send there without an event."""
    text: str = Field(max_length=4000)
    cron: str = Field(default="", max_length=200)
    next_at: float
    status: str = Field(max_length=16)
    """``active -> done`` (one-off sent) or ``active -> cancelled``."""
    created_by: str = Field(max_length=200)
    created_at: float


class Delivery(SQLModel, table=True):
    """One announcement sent (or tried) in one group. ``key`` makes each happen once."""

    __tablename__ = "announce_delivery"
    __table_args__ = (Index("ix_announce_delivery_group", "group_key", "created_at"),)
    key: str = Field(primary_key=True, max_length=300)
    kind: str = Field(max_length=16)
    """``schedule`` or ``plan``."""
    schedule_id: int | None = None
    group_key: str = Field(max_length=200)
    person: str = Field(default="", max_length=200)
    """The newcomer, for plan messages."""
    status: str = Field(max_length=16)
    """``sending -> sent`` or ``sending -> failed``."""
    message_id: str = Field(default="", max_length=200)
    pinned: bool = False
    error: str = Field(default="", max_length=500)
    created_at: float
