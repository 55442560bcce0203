"""Lockdown tables. Times are UTC epoch seconds."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class LockState(SQLModel, table=True):
    """A community's lockdown: ``lifted -> locked -> lifted``; ``epoch`` counts lockdowns."""

    __tablename__ = "lockdown_state"
    community: str = Field(primary_key=True, max_length=200)
    status: str = Field(max_length=16)
    epoch: int
    mode: str = Field(max_length=16)
    slow_seconds: int
    reason: str = Field(max_length=16)
    """``manual``, ``joins`` or ``messages``."""
    actor: str = Field(max_length=200)
    """The admin's person key, or ``auto``."""
    started_at: float
    until: float
    scenes: str = Field(max_length=20_000)
    """The groups to tell when it lifts (JSON list of scenes)."""


class Held(SQLModel, table=True):
    """A member muted by a lockdown (a newcomer, or a member in ``mute`` mode)."""

    __tablename__ = "lockdown_held"
    community: str = Field(primary_key=True, max_length=200)
    epoch: int = Field(primary_key=True)
    user_key: str = Field(primary_key=True, max_length=200)
    scene: str = Field(max_length=2000)
    newcomer: bool
    created_at: float
