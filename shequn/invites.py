"""The invite tree, for plugins: ``ctx.app.invites`` (:class:`Invites`) and the synchronous
functions to use inside a ``db.write``/``db.read`` function. The core records every join and
leave itself, so the tree is there whichever plugins a group has switched on."""

from shequn.internal.invites import (
    MAX_DEPTH,
    Invitee,
    Invites,
    JoinOutcome,
    ancestors,
    attribute,
    descendants,
    flatten,
    record,
    tree,
)

__all__ = [
    "MAX_DEPTH",
    "Invitee",
    "Invites",
    "JoinOutcome",
    "ancestors",
    "attribute",
    "descendants",
    "flatten",
    "record",
    "tree",
]
