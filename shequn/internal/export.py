"""``shequn export GROUP``: a group's members, points and quotes as CSV or JSON files.

A group belongs to a community (alone, it is its own), and points belong to the community,
so the points and members are the community's; the quotes are the group's community's too.
Plugins' tables are read only when they exist (a plugin may be switched off).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, inspect, text

Format = Literal["csv", "json"]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def community_of(conn: Connection, group_key: str) -> str:
    row = conn.execute(
        text("select community from core_community_group where group_key = :g"), {"g": group_key}
    ).first()
    return str(row[0]) if row else group_key


def members(conn: Connection, community: str, group_key: str) -> Table:
    """Everyone with points in the community or seen joining or talking in the group."""
    people: dict[str, dict[str, Any]] = {}

    def person(key: str) -> dict[str, Any]:
        return people.setdefault(
            key, {"balance": 0, "inviter": "", "joined_at": None, "accounts": set()}
        )

    for key, balance in conn.execute(
        text("select person, balance from core_balance where community = :c"), {"c": community}
    ):
        person(str(key))["balance"] = int(balance)
    for key, inviter, joined in conn.execute(
        text("select person, inviter, first_joined_at from core_invite where community = :c"),
        {"c": community},
    ):
        entry = person(str(key))
        entry["inviter"], entry["joined_at"] = inviter or "", joined
    for (key,) in conn.execute(
        text("select distinct person from core_membership where group_key = :g"),
        {"g": group_key},
    ):
        person(str(key))
    keys = list(people)
    for account, owner in conn.execute(text("select key, person from core_account")):
        if owner in people:
            people[str(owner)]["accounts"].add(str(account))
    names: dict[str, str] = {
        str(k): str(v) for k, v in conn.execute(text("select key, name from core_profile"))
    }
    rows = []
    for key in sorted(keys):
        entry = people[key]
        accounts = sorted(entry["accounts"]) or [key]  # unlinked: the person is the account
        name = next((names[a] for a in [key, *accounts] if a in names), "")
        rows.append(
            (key, name, " ".join(accounts), entry["balance"], entry["inviter"], entry["joined_at"])
        )
    return Table("members", ("person", "name", "accounts", "balance", "inviter", "joined_at"), rows)


def points(conn: Connection, community: str) -> Table:
    rows = conn.execute(
        text(
            "select id, person, amount, reason, plugin, group_key, created_at from core_ledger "
            "where community = :c order by id"
        ),
        {"c": community},
    )
    columns = ("id", "person", "amount", "reason", "plugin", "group_key", "created_at")
    return Table("points", columns, [tuple(r) for r in rows])


def quotes(conn: Connection, community: str) -> Table | None:
    if not inspect(conn).has_table("quotes_quote"):
        return None
    columns = ("id", "group_key", "author", "author_name", "text", "votes", "state", "created_at")
    rows = conn.execute(
        text(f"select {', '.join(columns)} from quotes_quote where community = :c order by id"),
        {"c": community},
    )
    return Table("quotes", columns, [tuple(r) for r in rows])


def collect(conn: Connection, group_key: str) -> list[Table]:
    community = community_of(conn, group_key)
    found = [members(conn, community, group_key), points(conn, community)]
    quoted = quotes(conn, community)
    if quoted is not None:
        found.append(quoted)
    return found


def write(tables: Sequence[Table], out: Path, fmt: Format) -> list[Path]:
    """One file per table in ``out``; CSV cells that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@`` first) are quoted with a leading apostrophe."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        path = out / f"{table.name}.{fmt}"
        if fmt == "json":
            records = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
            path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(table.columns)
                writer.writerows([_cell(v) for v in row] for row in table.rows)
        written.append(path)
    return written


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
