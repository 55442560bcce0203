"""The points ledger, for plugins: async :class:`Ledger` (``ctx.app.ledger``) and the
synchronous functions to use inside a ``db.write`` function, so a plugin's own rows and its
postings commit together."""

from shequn.internal.ledger import (
    Entry,
    Ledger,
    Outcome,
    Posting,
    Standing,
    balance_of,
    balances_where,
    count_postings,
    credits_by_person,
    entries,
    move,
    post,
    standing,
    top,
)

__all__ = [
    "Entry",
    "Ledger",
    "Outcome",
    "Posting",
    "Standing",
    "balance_of",
    "balances_where",
    "count_postings",
    "credits_by_person",
    "entries",
    "move",
    "post",
    "standing",
    "top",
]
