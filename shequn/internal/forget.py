"""Forgetting one member on request: names, texts and links deleted, the rest anonymised.

The choice, and why: every row that says *who* did something is rewritten to an anonymous
key (``forgotten:<random>``), one per forgotten account or person, instead of being deleted.
The anonymous key is random, not derived from the key it replaces: a digest of
``qq:12345`` could be computed again by anyone who knows the account and would find it.
Deleting ledger rows would unbalance the books, and deleting orders, entries or envelope
shares would break the invariants other members rely on (stock + orders = initial stock, a
lottery's entrants, an envelope's shares summing to its total). Anonymised, the community's
totals and history stay exact while nothing links them to the person any more. What is the
person's own content — display names, stored message texts, link codes, and what plugins
register as such (archived quotes, sign-up answers; sign-in and envelope notes through
:func:`register_words`) — is deleted.

Columns are found by name in every table (``person``, ``account``, ``author``...), so a new
plugin's tables are covered without code; a plugin with an unusual column name or content to
delete calls :func:`register`. Keys and names that sit inside other values (idempotency and
job keys, job payloads, audit reasons, texts) are then rewritten by :mod:`scrub`, and jobs
that only concern the member are dropped. Run :func:`forget` while no analytics records of
the member are buffered (the privacy plugin holds the buffer, see ``Recorder.holding``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    String,
    column,
    delete,
    inspect,
    or_,
    select,
    table,
    text,
    update,
)

from shequn.internal.identity import CACHE as IDENTITY_CACHE
from shequn.internal.ledger import Posting, balances_where, post
from shequn.internal.scrub import Scrubber, scrub
from shequn.internal.state_sync import bump

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
NAME_COLUMNS = frozenset({"name", "user_name"})
"""Display names of the row's member (``person``, ``account``...): blanked with the row's
key. A column ``<who>_name`` holds the name of the member in column ``<who>`` (e.g.
``author_name``, ``inviter_name``, ``host_name``)."""
OWNER_COLUMNS = frozenset({"person", "account", "user_key", "subject"})
"""The columns that say whose row it is (the member a ``name`` column names)."""
SKIP_TABLES = frozenset({"alembic_version"})
JOB_TABLE = "core_job"
JOB_OWNERS = ("person", "account", "user_key", "user")
"""A job whose payload names the member in one of these fields is about the member only
(their membership term, their title's expiry, their verification): it is dropped."""


@dataclass
class Rules:
    """Extra (table, column) pairs and their action, beyond the columns found by name, and
    the columns of a member's own words in the rows where (table, column) is the member."""

    extra: dict[tuple[str, str], Action] = field(default_factory=dict)
    words: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


RULES = Rules(
    {
        ("core_profile", "key"): "delete",
        ("core_account", "key"): "delete",
        ("core_account", "person"): "delete",
        ("core_message_text", "person"): "delete",
        ("core_link_code", "person"): "delete",
        ("dashboard_session", "subject"): "delete",
        ("dashboard_login_code", "account"): "delete",
    }
)


def register(table_name: str, column_name: str, action: Action = "anonymise") -> None:
    """Declare that ``table_name.column_name`` holds a member's account or person key, and
    whether their rows are deleted (their own content) or anonymised (the default)."""
    RULES.extra[(table_name, column_name)] = action


def register_words(table_name: str, column_name: str, *words: str) -> None:
    """Declare that in the rows where ``table_name.column_name`` is a member, the ``words``
    columns are that member's own words (a note, a comment, an appeal): they are blanked
    when the member is forgotten, while the row itself is anonymised."""
    RULES.words[(table_name, column_name)] = (
        *RULES.words.get((table_name, column_name), ()),
        *words,
    )
    RULES.extra.setdefault((table_name, column_name), "anonymise")


def _alias() -> str:
    return "forgotten:" + secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Forgotten:
    keys: tuple[str, ...]
    """The account and person keys forgotten."""
    deleted: int
    anonymised: int
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Each forgotten key's anonymous key (for rewriting what is still in memory)."""
    words: Callable[[str], str] = str
    """Takes the member's keys and names out of a text (for texts still in memory)."""


def person_of(conn: Connection, account: str) -> str:
    accounts = table("core_account", column("key"), column("person"))
    row = conn.execute(select(accounts.c.person).where(accounts.c.key == account)).first()
    return str(row[0]) if row else account


def keys_of(conn: Connection, account: str) -> tuple[str, ...]:
    """The account, its person, and every account linked to that person."""
    accounts = table("core_account", column("key"), column("person"))
    person = person_of(conn, account)
    linked = conn.execute(select(accounts.c.key).where(accounts.c.person == person)).scalars()
    return tuple(dict.fromkeys([account, person, *(str(k) for k in linked)]))


def forget(conn: Connection, account: str, now: float) -> Forgotten:
    """Forget ``account`` (and the person it belongs to) in one transaction.

    The anonymous balances left behind are then brought to zero by one compensating posting
    each (reason ``forgotten``), so a forgotten member leaves the leaderboards while every
    balance still equals the sum of its postings."""
    keys = keys_of(conn, account)
    person = person_of(conn, account)
    aliases = {key: _alias() for key in keys}
    tables = list(_tables(conn))
    names = _names(conn, tables, keys)
    deleted = anonymised = 0
    for name, columns, all_columns in tables:
        for col in columns:
            action = RULES.extra.get((name, col), "anonymise")
            blanks = _blanks(name, col, all_columns)
            target = table(name, *(column(c) for c in {col, *blanks}))
            for key in keys:
                where = target.c[col] == key
                if action == "delete":
                    deleted += conn.execute(delete(target).where(where)).rowcount or 0
                    continue
                values: dict[str, Any] = {col: aliases[key], **blanks}
                anonymised += conn.execute(update(target).where(where).values(values)).rowcount or 0
    deleted += _drop_jobs(conn, keys)
    # A QQ number may equal a group's number, and then the account's key is the group's
    # key too: inside other values the two cannot be told apart, so such a key is left
    # there (rewriting it would break the group's keys, jobs and history).
    groups = _group_keys(conn, keys)
    embedded = {k: v for k, v in _embedded(keys, aliases).items() if k not in groups}
    scrubber = Scrubber(embedded, dict.fromkeys(names, aliases[person]))
    anonymised += scrub(conn, scrubber, _string_columns(conn), keep_names=_name_columns(tables))
    for key in keys:
        anon = aliases[key]
        for _person, community, balance in balances_where(conn, person=anon):
            closing = Posting(anon, community, -balance, "forgotten", f"forget:{anon}:{community}")
            post(conn, [closing], now)
    _compact_text_indexes(conn)
    bump(conn, IDENTITY_CACHE)
    return Forgotten(keys, deleted, anonymised, aliases, scrubber.rewrite)


def _tables(conn: Connection) -> Iterable[tuple[str, list[str], dict[str, bool]]]:
    """(table, its member columns, all its columns with whether each is nullable)."""
    inspector = inspect(conn)
    for name in inspector.get_table_names():
        if name in SKIP_TABLES or name.endswith(("_fts_data", "_fts_idx", "_fts_docsize")):
            continue
        columns = {c["name"]: bool(c["nullable"]) for c in inspector.get_columns(name)}
        personal = [c for c in columns if c in PERSON_COLUMNS or (name, c) in RULES.extra]
        # Deletions first: a row deleted needs no anonymising.
        personal.sort(key=lambda c: RULES.extra.get((name, c), "anonymise") != "delete")
        if personal:
            yield name, personal, columns


def _owned_names(col: str, columns: Mapping[str, bool]) -> list[str]:
    """The name columns that name the member in ``col`` (see :data:`NAME_COLUMNS`)."""
    owned = {f"{col}_name", f"{col.removesuffix('_account')}_name"}
    if col in OWNER_COLUMNS:
        owned |= NAME_COLUMNS
    return [c for c in columns if c in owned]


def _blanks(name: str, col: str, columns: Mapping[str, bool]) -> dict[str, Any]:
    """What the member's names and own words in a row become: empty (NULL where allowed)."""
    blank = [*_owned_names(col, columns), *RULES.words.get((name, col), ())]
    return {c: None if columns[c] else "" for c in blank if c in columns}


def _names(
    conn: Connection, tables: list[tuple[str, list[str], dict[str, bool]]], keys: tuple[str, ...]
) -> set[str]:
    """Every display name stored for the member: their profiles, and the name columns of
    their rows (a name as it was at sign-up, a mention's name)."""
    names: set[str] = set()
    for name, columns, all_columns in tables:
        for col in columns:
            for name_col in _owned_names(col, all_columns):
                target = table(name, column(col), column(name_col))
                query = select(target.c[name_col]).distinct().where(target.c[col].in_(keys))
                names.update(str(v) for v in conn.execute(query).scalars() if v)
    profiles = table("core_profile", column("key"), column("name"))
    query = select(profiles.c.name).where(profiles.c.key.in_(keys))
    names.update(str(v) for v in conn.execute(query).scalars() if v)
    return {n.strip() for n in names if n.strip()}


def _embedded(keys: tuple[str, ...], aliases: Mapping[str, str]) -> dict[str, str]:
    """The keys as they appear inside other values, with their replacements: the keys
    themselves, and the member's private chat as a scene (``platform:private:id``, whose
    id part ``private:id`` is what a stored scene holds)."""
    embedded = dict(aliases)
    for key in keys:
        _platform, _, user_id = key.partition(":")
        if user_id:
            embedded.setdefault(f"private:{user_id}", aliases[key])
    return embedded


def _group_keys(conn: Connection, keys: tuple[str, ...]) -> set[str]:
    """Which of ``keys`` are also the key of a group or community."""
    found: set[str] = set()
    for name, col in (("core_group", "group_key"), ("core_community", "key")):
        target = table(name, column(col))
        found.update(conn.execute(select(target.c[col]).where(target.c[col].in_(keys))).scalars())
    return found


def _drop_jobs(conn: Connection, keys: tuple[str, ...]) -> int:
    """Delete the scheduled jobs that only concern the member (see :data:`JOB_OWNERS`)."""
    if JOB_TABLE not in inspect(conn).get_table_names():
        return 0
    jobs = table(JOB_TABLE, column("id"), column("payload", String))
    wanted = set(keys)
    matching = or_(*(jobs.c.payload.contains(k, autoescape=True) for k in keys))
    candidates = conn.execute(select(jobs.c.id, jobs.c.payload).where(matching)).all()
    doomed = [row.id for row in candidates if _about(row.payload, wanted)]
    if not doomed:
        return 0
    return conn.execute(delete(jobs).where(jobs.c.id.in_(doomed))).rowcount or 0


def _about(payload: str | None, keys: set[str]) -> bool:
    try:
        data = json.loads(payload or "{}")
    except ValueError:
        return False
    return isinstance(data, dict) and any(data.get(field_) in keys for field_ in JOB_OWNERS)


def _string_columns(conn: Connection) -> list[tuple[str, list[tuple[str, int | None]]]]:
    """Every text column of every table, with its maximum length (virtual tables such as
    full-text indexes are left out: their triggers follow the tables they index)."""
    inspector = inspect(conn)
    virtual = _virtual_tables(conn)
    found: list[tuple[str, list[tuple[str, int | None]]]] = []
    for name in inspector.get_table_names():
        if name in SKIP_TABLES or any(name == v or name.startswith(v + "_") for v in virtual):
            continue
        columns = [
            (c["name"], getattr(c["type"], "length", None))
            for c in inspector.get_columns(name)
            if isinstance(c["type"], String)
        ]
        if columns:
            found.append((name, columns))
    return found


def _name_columns(tables: list[tuple[str, list[str], dict[str, bool]]]) -> frozenset[str]:
    return frozenset(
        c for _, _, columns in tables for c in columns if c in NAME_COLUMNS or c.endswith("_name")
    )


def _virtual_tables(conn: Connection) -> list[str]:
    if conn.dialect.name != "sqlite":
        return []
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    )
    return [str(r[0]) for r in rows]


def _compact_text_indexes(conn: Connection) -> None:
    """SQLite's FTS5 keeps a deleted row's words in its index pages until they are merged:
    merge them now, so no index holds the member's words either."""
    for name in _virtual_tables(conn):
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).scalar()
        if sql and "fts5" in str(sql).lower():
            conn.exec_driver_sql(f'INSERT INTO "{name}"("{name}") VALUES (\'optimize\')')


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
