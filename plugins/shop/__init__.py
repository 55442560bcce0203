"""Points shop (积分兑换): admins stock items, members redeem them with points.

Stock is lowered by a conditional update and never oversold; an order and its payment commit
together; codes from an item's pool go to one order each and reach the member privately;
refunds go back through the ledger, keyed by the order.
"""

from . import commands, panels  # noqa: F401  (registers handlers)
from .declaration import ShopConfig, plugin

__all__ = ["ShopConfig", "plugin"]
