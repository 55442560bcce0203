"""Share-tracking tables. Times are UTC epoch seconds."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class ShareLink(SQLModel, table=True):
    """A member's personal link to ``url``; ``parent`` is the link they re-shared ("" for a
    first share), so links form chains. One link per member, parent and url."""

    __tablename__ = "sharelink_link"
    __table_args__ = (
        Index("ux_sharelink_link_owner", "community", "person", "parent", "url", unique=True),
        Index("ix_sharelink_link_root", "community", "root"),
    )
    code: str = Field(primary_key=True, max_length=16)
    community: str = Field(max_length=200)
    person: str = Field(max_length=200)
    url: str = Field(max_length=2000)
    parent: str = Field(default="", max_length=16)
    root: str = Field(max_length=16)
    depth: int
    """1 for a first share, 2 for a re-share of it, and so on."""
    group_key: str = Field(max_length=200)
    clicks: int = 0
    """Every opening, repeated ones included."""
    created_at: float


class ShareVisit(SQLModel, table=True):
    """A visitor (salted hash) that opened a link: the key makes it count once."""

    __tablename__ = "sharelink_visit"
    code: str = Field(primary_key=True, max_length=16)
    visitor: str = Field(primary_key=True, max_length=64)
    first_at: float


class ShareAddress(SQLModel, table=True):
    """An address (keyed hash of an IPv4 address or IPv6 /64) that brought a new visitor to a
    link, and until when it brings no other: one address, one visitor per window."""

    __tablename__ = "sharelink_address"
    code: str = Field(primary_key=True, max_length=16)
    address: str = Field(primary_key=True, max_length=64)
    until: float


class ShareKey(SQLModel, table=True):
    """The key that signs visitor cookies when ``[sharelinks] secret`` is not set, generated
    once (every worker reads the same row)."""

    __tablename__ = "sharelink_key"
    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
