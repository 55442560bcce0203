"""Shop tables. Stock is a counter lowered by a conditional update (never below 0); an order
and its payment commit together; redemption codes are handed out by a conditional update on
the code row, so no code goes to two orders."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class ShopItem(SQLModel, table=True):
    __tablename__ = "shop_item"
    __table_args__ = (UniqueConstraint("community", "name_key", name="uq_shop_item_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community: str = Field(max_length=200)
    name: str = Field(max_length=40)
    name_key: str = Field(max_length=40)
    """The name case-folded, unique per community."""
    description: str = Field(max_length=200)
    cost: int
    stock: int
    per_member: int = 0
    """Most redemptions per member (0: no limit)."""
    uses_codes: bool = False
    """Each redemption takes a code from the item's pool and sends it privately."""
    active: bool = True
    created_at: float


class ShopCode(SQLModel, table=True):
    __tablename__ = "shop_code"
    __table_args__ = (UniqueConstraint("item_id", "code", name="uq_shop_code"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(index=True)
    code: str = Field(max_length=200)
    order_id: int | None = None


class ShopOrder(SQLModel, table=True):
    __tablename__ = "shop_order"
    __table_args__ = (Index("ix_shop_order_community_state", "community", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(unique=True, max_length=300)
    """The redeeming event: a redelivered ``/redeem`` buys nothing more."""
    item_id: int
    community: str = Field(max_length=200)
    group_key: str = Field(max_length=200)
    person: str = Field(index=True, max_length=200)
    account: str = Field(max_length=200)
    cost: int
    state: str = Field(default="pending", max_length=16)
    """``pending -> fulfilled``, ``pending|fulfilled -> refunded``."""
    code: str | None = Field(default=None, max_length=200)
    created_at: float


class ShopQuota(SQLModel, table=True):
    """Redemptions per member and item, raised by a conditional update (the limit's guard)."""

    __tablename__ = "shop_quota"
    item_id: int = Field(primary_key=True)
    person: str = Field(primary_key=True, max_length=200)
    count: int
