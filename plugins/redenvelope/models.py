"""Red envelope tables. An envelope's shares are fixed when it is sent; grabbing one is a
conditional update of a free share, and the unique (envelope, taker) index makes it one per
person."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Envelope(SQLModel, table=True):
    __tablename__ = "redenvelope_envelope"
    __table_args__ = (Index("ix_redenvelope_envelope_group_state", "group_key", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(unique=True, max_length=300)
    """The sending event: a redelivered command sends (and charges) nothing more."""
    group_key: str = Field(max_length=200)
    community: str = Field(max_length=200)
    giver: str = Field(max_length=200)
    total: int
    shares: int
    note: str = Field(max_length=200)
    state: str = Field(default="open", max_length=16)
    """``open -> finished`` (all grabbed) or ``open -> expired`` (the rest returned)."""
    returned: int = 0
    created_at: float
    expires_at: float


class EnvelopeShare(SQLModel, table=True):
    __tablename__ = "redenvelope_share"
    __table_args__ = (Index("uq_redenvelope_share_taker", "envelope_id", "taker", unique=True),)
    envelope_id: int = Field(primary_key=True)
    idx: int = Field(primary_key=True)
    amount: int
    taker: str | None = Field(default=None, max_length=200)
    taken_at: float | None = None
    returned: bool = False
    """Given back to the giver at expiry (never grabbed afterwards)."""
