"""Forgetting one member on request: names, texts and links deleted, the rest anonymised.

The choice, and why: every row that says *who* did something is rewritten to an anonymous
key (``forgotten:<digest>``), one per forgotten account or person, instead of being deleted.
Deleting ledger rows would unbalance the books, and deleting orders, entries or envelope
shares would break the invariants other members rely on (stock + orders = initial stock, a
lottery's entrants, an envelope's shares summing to its total). Anonymised, the community's
totals and history stay exact while nothing links them to the person any more. What is the
person's own content — display names, stored message texts, link codes, and what plugins
register as such (e.g. archived quotes) — is deleted.

Columns are found by name in every table (``person``, ``account``, ``author``...), so a new
plugin's tables are covered without code; a plugin with an unusual column name or content to
delete calls :func:`register`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, column, delete, inspect, select, table, text, update

from shequn.internal.ledger import Posting, balances_where, post

Action = Literal["anonymise", "delete"]

PERSON_COLUMNS = frozenset(
    {
        "person",
        "account",
        "author",
        "added_by",
        "creator",
        "created_by",
        "started_by",
        "giver",
        "taker",
        "inviter",
        "invitee",
        "actor",
        "target",
        "visitor",
        "winner",
        "decided_by",
        "granted_by",
        "restored_by",
        "user_key",
        "subject",
    }
)
"""Columns that hold an account or person key, wherever they appear."""
NAME_COLUMNS = frozenset({"name", "author_name", "inviter_name", "user_name"})
"""Blanked in the rows of a forgotten member (a display name is personal)."""
SKIP_TABLES = frozenset({"alembic_version", "core_ledger_archive"})


@dataclass
class Rules:
    """Extra (table, column) pairs and their action, beyond the columns found by name."""

    extra: dict[tuple[str, str], Action] = field(default_factory=dict)


RULES = Rules(
    {
        ("core_profile", "key"): "delete",
        ("core_account", "key"): "delete",
        ("core_account", "person"): "delete",
        ("core_message_text", "person"): "delete",
        ("core_link_code", "person"): "delete",
    }
)


def register(table_name: str, column_name: str, action: Action = "anonymise") -> None:
    """Declare that ``table_name.column_name`` holds a member's account or person key, and
    whether their rows are deleted (their own content) or anonymised (the default)."""
    RULES.extra[(table_name, column_name)] = action


def anonymous(key: str) -> str:
    return "forgotten:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Forgotten:
    keys: tuple[str, ...]
    """The account and person keys forgotten."""
    deleted: int
    anonymised: int


def keys_of(conn: Connection, account: str) -> tuple[str, ...]:
    """The account, its person, and every account linked to that person."""
    accounts = table("core_account", column("key"), column("person"))
    row = conn.execute(select(accounts.c.person).where(accounts.c.key == account)).first()
    person = str(row[0]) if row else account
    linked = conn.execute(select(accounts.c.key).where(accounts.c.person == person)).scalars()
    return tuple(dict.fromkeys([account, person, *(str(k) for k in linked)]))


def forget(conn: Connection, account: str, now: float) -> Forgotten:
    """Forget ``account`` (and the person it belongs to) in one transaction.

    The anonymous balances left behind are then brought to zero by one compensating posting
    each (reason ``forgotten``), so a forgotten member leaves the leaderboards while every
    balance still equals the sum of its postings."""
    keys = keys_of(conn, account)
    deleted = anonymised = 0
    for name, columns, names in _tables(conn):
        for col in columns:
            action = RULES.extra.get((name, col), "anonymise")
            target = table(name, *(column(c) for c in {col, *names}))
            for key in keys:
                where = target.c[col] == key
                if action == "delete":
                    deleted += conn.execute(delete(target).where(where)).rowcount or 0
                    continue
                values: dict[str, str] = {col: anonymous(key)}
                values.update({n: "" for n in names})
                anonymised += conn.execute(update(target).where(where).values(values)).rowcount or 0
    for key in keys:
        anon = anonymous(key)
        for _person, community, balance in balances_where(conn, person=anon):
            closing = Posting(anon, community, -balance, "forgotten", f"forget:{anon}:{community}")
            post(conn, [closing], now)
    return Forgotten(keys, deleted, anonymised)


def _tables(conn: Connection) -> Iterable[tuple[str, list[str], list[str]]]:
    inspector = inspect(conn)
    for name in inspector.get_table_names():
        if name in SKIP_TABLES or name.endswith(("_fts_data", "_fts_idx", "_fts_docsize")):
            continue
        columns = [c["name"] for c in inspector.get_columns(name)]
        personal = [c for c in columns if c in PERSON_COLUMNS or (name, c) in RULES.extra]
        # Deletions first: a row deleted needs no anonymising.
        personal.sort(key=lambda c: RULES.extra.get((name, c), "anonymise") != "delete")
        if personal:
            yield name, personal, [c for c in columns if c in NAME_COLUMNS]


def has_rows(conn: Connection, account: str) -> bool:
    """Whether anything is known about ``account`` (to tell a typo from a forgotten member)."""
    for query in (
        "select 1 from core_profile where key = :k",
        "select 1 from core_account where key = :k",
        "select 1 from core_ledger where person = :k",
        "select 1 from core_membership where person = :k",
    ):
        if conn.execute(text(query), {"k": account}).first():
            return True
    return False
