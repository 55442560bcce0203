"""The ``shop`` plugin object and its per-group settings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shequn import Plugin


class ShopConfig(BaseModel):
    """Settings per group (``/config shop KEY VALUE``)."""

    max_cost: int = Field(default=1_000_000, ge=1, le=100_000_000)
    """Highest price an admin may set."""
    max_stock: int = Field(default=100_000, ge=1, le=10_000_000)
    """Largest stock of one item."""
    list_size: int = Field(default=20, ge=1, le=100)
    """Items ``/shop`` shows and orders ``/shop orders`` lists."""
    delete_code_messages: bool = True
    """Delete an admin's ``/shop codes`` message from the group (where the platform can)."""


plugin = Plugin("shop", title="积分商城 · Points shop", config=ShopConfig)
