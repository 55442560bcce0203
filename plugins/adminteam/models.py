"""Duty roster tables: a shift is a weekly slot of one admin in one group; a reminder is
claimed once per shift occurrence by inserting its key."""

from __future__ import annotations

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Shift(SQLModel, table=True):
    __tablename__ = "adminteam_shift"
    __table_args__ = (UniqueConstraint("group_key", "account", "weekday", "start_minute"),)
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200, index=True)
    scene: str = Field(sa_column=Column(Text, nullable=False))
    """The group's scene (JSON), so a reminder speaks the group's language."""
    person: str = Field(max_length=200)
    account: str = Field(max_length=200)
    """The admin's platform account, written to in private."""
    name: str = Field(sa_column=Column(Text, nullable=False))
    weekday: int
    """0 Monday ... 6 Sunday, in ``timezone``."""
    start_minute: int
    end_minute: int
    """Minutes after local midnight; an end at or before the start runs past midnight."""
    timezone: str = Field(max_length=64)
    created_by: str = Field(max_length=200)
    created_at: float


class Reminded(SQLModel, table=True):
    __tablename__ = "adminteam_reminded"
    shift_id: int = Field(primary_key=True)
    starts_at: float = Field(primary_key=True)
    """The occurrence reminded of (UTC epoch seconds)."""
    sent_at: float
