"""The sign-in table. Days are local ``YYYY-MM-DD`` text and times UTC epoch seconds,
as everywhere in Shequn, so both sort and compare alike on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class SigninRecord(SQLModel, table=True):
    """One member's sign-in on one local day in one community; the key makes it unique."""

    __tablename__ = "signin_record"
    __table_args__ = (Index("ix_signin_record_community_day", "community", "day"),)
    person: str = Field(primary_key=True, max_length=200)
    community: str = Field(primary_key=True, max_length=200)
    day: str = Field(primary_key=True, max_length=10)
    group_key: str = Field(max_length=200)
    """The group the member signed in from."""
    streak: int
    """Consecutive days ending with this one (renumbered when a missed day is made up)."""
    points: int
    """What this row did to the balance: the award with bonus, or minus a make-up's cost."""
    made_up: bool
    created_at: float
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """What the member wrote with the sign-in (学习打卡); None for a bare sign-in. Other
    plugins (a digest, stats) may count rows with a note per community and ``day``."""
