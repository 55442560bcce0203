"""Referral tables: personal invite codes and the reward of each invitee."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class InviteCode(SQLModel, table=True):
    """A member's personal invitation in a community: a code, and a link where possible."""

    __tablename__ = "referral_code"
    __table_args__ = (UniqueConstraint("community", "person", name="uq_referral_code_person"),)
    code: str = Field(primary_key=True, max_length=16)
    community: str = Field(max_length=200)
    person: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    link: str | None = Field(default=None, max_length=500)
    created_at: float


class Reward(SQLModel, table=True):
    """The inviter's reward for one invitee: ``pending -> paid -> reverted``, or
    ``pending -> void`` (left early) / ``expired`` (conditions not met in time)."""

    __tablename__ = "referral_reward"
    __table_args__ = (Index("ix_referral_reward_inviter", "community", "inviter"),)
    community: str = Field(primary_key=True, max_length=200)
    invitee: str = Field(primary_key=True, max_length=200)
    inviter: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    status: str = Field(max_length=16)
    amount: int = 0
    """Points paid (0 until paid)."""
    reverted: int = 0
    """Points taken back."""
    joined_at: float
    settled_at: float | None = None
