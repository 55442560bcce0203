"""Moderation tables: warnings, the audit log, kick-chain removals and the shared blacklist."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Warning_(SQLModel, table=True):
    """One warning; ``key`` (the event that caused it) makes a redelivery count once."""

    __tablename__ = "moderation_warning"
    __table_args__ = (Index("ix_moderation_warning_person", "community", "person"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    community: str = Field(max_length=200)
    person: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    reason: str = Field(max_length=200)
    actor: str = Field(max_length=200)
    """The admin's person key, or ``auto`` for a rule."""
    created_at: float
    revoked_at: float | None = None


class AuditEntry(SQLModel, table=True):
    """Who did what to whom, why and when. ``key`` makes each action happen once."""

    __tablename__ = "moderation_audit"
    __table_args__ = (Index("ix_moderation_audit_community", "community", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    actor: str = Field(max_length=200)
    target: str = Field(max_length=200)
    action: str = Field(max_length=16)
    reason: str = Field(max_length=200)
    created_at: float


class Removal(SQLModel, table=True):
    """A member removed by the kick-chain rule: ``removed -> restored``, with an appeal."""

    __tablename__ = "moderation_removal"
    __table_args__ = (Index("ix_moderation_removal_person", "person", "status"),)
    key: str = Field(primary_key=True, max_length=300)
    """``<incident>:<person>``: the same incident removes a member once."""
    community: str = Field(max_length=200)
    person: str = Field(max_length=200)
    root: str = Field(max_length=200)
    """The person whose removal for ads set the chain off."""
    group_key: str = Field(max_length=200)
    depth: int
    status: str = Field(max_length=16)
    removed_at: float
    restored_at: float | None = None
    restored_by: str | None = Field(default=None, max_length=200)
    appeal: str | None = Field(default=None, max_length=500)
    appealed_at: float | None = None


class Blacklisted(SQLModel, table=True):
    """Banned across a community: every group of it, on every platform."""

    __tablename__ = "moderation_blacklist"
    community: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    reason: str = Field(max_length=200)
    actor: str = Field(max_length=200)
    created_at: float
