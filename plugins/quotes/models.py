"""Quote archive tables: quotes, votes (one per person and quote) and the digests posted
(one per group, kind and period)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class Quote(SQLModel, table=True):
    __tablename__ = "quotes_quote"
    __table_args__ = (Index("ix_quotes_quote_community_created", "community", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    source: str = Field(max_length=300, unique=True)
    """``scene:message_id`` of the archived message: archiving it twice keeps one quote."""
    author: str = Field(max_length=200, index=True)
    """The person who said it."""
    author_name: str = Field(max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    added_by: str = Field(max_length=200)
    created_at: float
    state: str = Field(max_length=10)
    """``active`` or ``removed``."""
    picked: bool = False
    """Chosen by an admin for the digests."""
    votes: int = 0


class QuoteVote(SQLModel, table=True):
    __tablename__ = "quotes_vote"
    quote_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    voted_at: float


class QuoteDigest(SQLModel, table=True):
    """A digest posted: the key makes each day's (or week's) digest happen once."""

    __tablename__ = "quotes_digest"
    group_key: str = Field(primary_key=True, max_length=200)
    kind: str = Field(primary_key=True, max_length=10)
    period: str = Field(primary_key=True, max_length=20)
    posted_at: float
