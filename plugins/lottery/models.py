"""Lottery tables. Times are UTC epoch seconds, as everywhere in Shequn.

A lottery's ``state`` moves ``open -> drawing -> drawn`` (or ``open -> cancelled``) by
conditional updates only, so a draw happens once however many workers or restarts race.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Lottery(SQLModel, table=True):
    __tablename__ = "lottery_lottery"
    __table_args__ = (Index("ix_lottery_lottery_group_state", "group_key", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(unique=True, max_length=300)
    """The creating event (scene and id): a redelivered ``/lottery create`` creates nothing."""
    group_key: str = Field(max_length=200)
    community: str = Field(max_length=200)
    scene: str
    """JSON of the scene the lottery was announced in (draws are announced there)."""
    creator: str = Field(max_length=200)
    prize: str = Field(max_length=500)
    prize_points: int = 0
    """Points paid to each winner through the ledger (0: the prize is only ``prize``)."""
    winners: int
    ends_at: float
    max_entrants: int | None = None
    """Drawn as soon as this many have entered (before ``ends_at``)."""
    entry: str = Field(max_length=16)
    """``button`` (a button, and the command) or ``command`` (the command only)."""
    cost: int = 0
    min_points: int = 0
    min_streak: int = 0
    min_days: int = 0
    title: str = Field(default="", max_length=64)
    entrants: int = 0
    """Counter raised by a conditional update on each entry (the entrant limit's guard)."""
    seed: str = Field(max_length=64)
    """Secret until the draw; ``commitment`` = sha256 of it is published at creation."""
    commitment: str = Field(max_length=64)
    state: str = Field(default="open", max_length=16)
    rounds: int = 0
    """1 after the draw, +1 per reroll."""
    announced: int = 0
    """The last round whose result was announced."""
    created_at: float
    drawn_at: float | None = None


class LotteryEntry(SQLModel, table=True):
    """One person's entry; the key makes it one per person (a double click enters once)."""

    __tablename__ = "lottery_entry"
    lottery_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    account: str = Field(max_length=200)
    """The account that entered; whether it left the group decides exclusion."""
    paid: int = 0
    entered_at: float
    excluded_round: int | None = None
    """The round at whose pick the entrant had left the group (never a candidate again)."""
    winner_round: int | None = None


class LotteryMember(SQLModel, table=True):
    """What the plugin saw of an account in a group: joins, leaves, first message."""

    __tablename__ = "lottery_member"
    group_key: str = Field(primary_key=True, max_length=200)
    account: str = Field(primary_key=True, max_length=200)
    since: float
    """When the account joined (or, without a join event, first spoke) in the group."""
    left_at: float | None = None
