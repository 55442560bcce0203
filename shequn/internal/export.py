"""``shequn export GROUP``: a group's members, points and quotes as CSV or JSON files.

A group belongs to a community (alone, it is its own), and points belong to the community,
so the points and members are the community's; the quotes are the group's community's too.
Plugins' tables are read only when they exist (a plugin may be switched off). Times are
ISO 8601 with the offset of the group's timezone (its ``/config core timezone``, else the
bot's), so a spreadsheet or ``datetime.fromisoformat`` reads them as they were.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, inspect, text

Format = Literal["csv", "json"]


TIME_COLUMNS = frozenset({"joined_at", "created_at"})
"""Columns stored as UTC epoch seconds, written out as local ISO 8601 times."""


class UnknownGroup(Exception):
    """The bot has never seen the group: exporting it would write empty files."""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def known(conn: Connection, group_key: str) -> bool:
    """Whether the group is in the registry of seen groups, in a community, or in the
    ledger (points made before the registry existed)."""
    for query in (
        "select 1 from core_group where group_key = :g",
        "select 1 from core_community_group where group_key = :g",
        "select 1 from core_ledger where group_key = :g",
    ):
        if conn.execute(text(query + " limit 1"), {"g": group_key}).first() is not None:
            return True
    return False


def timezone_of(conn: Connection, group_key: str, default: str) -> ZoneInfo:
    """The group's own timezone setting, else ``default`` (the bot's), else UTC."""
    row = conn.execute(
        text("select data from core_group_setting where group_key = :g and plugin = 'core'"),
        {"g": group_key},
    ).first()
    name = str((json.loads(row[0]) if row else {}).get("timezone") or default)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def localised(table: Table, zone: ZoneInfo) -> Table:
    """``table`` with its epoch-second columns as ISO 8601 times in ``zone``."""
    at = [n for n, column in enumerate(table.columns) if column in TIME_COLUMNS]
    if not at:
        return table

    def row_of(row: tuple[Any, ...]) -> tuple[Any, ...]:
        cells = list(row)
        for n in at:
            if cells[n] is not None:
                moment = datetime.fromtimestamp(float(cells[n]), zone)
                cells[n] = moment.isoformat(timespec="seconds")
        return tuple(cells)

    return replace(table, rows=[row_of(r) for r in table.rows])


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


Reason = Callable[[str, str], str]
"""(stored reason, plugin) -> the reason as a reader sees it (see ``Translator.reason``)."""


def points(conn: Connection, community: str, reason: Reason | None = None) -> Table:
    """Every posting of ``community``; stored reasons rendered by ``reason`` (coded ones are
    translation keys, not text for a spreadsheet)."""
    rows = conn.execute(
        text(
            "select id, person, amount, reason, plugin, group_key, created_at from core_ledger "
            "where community = :c order by id"
        ),
        {"c": community},
    )
    columns = ("id", "person", "amount", "reason", "plugin", "group_key", "created_at")
    found = [tuple(r) for r in rows]
    if reason is not None:
        found = [(*r[:3], reason(str(r[3]), str(r[4])), *r[4:]) for r in found]
    return Table("points", columns, found)


def quotes(conn: Connection, community: str) -> Table | None:
    if not inspect(conn).has_table("quotes_quote"):
        return None
    columns = ("id", "group_key", "author", "author_name", "text", "votes", "state", "created_at")
    rows = conn.execute(
        text(f"select {', '.join(columns)} from quotes_quote where community = :c order by id"),
        {"c": community},
    )
    return Table("quotes", columns, [tuple(r) for r in rows])


def collect(
    conn: Connection, group_key: str, timezone: str = "UTC", reason: Reason | None = None
) -> list[Table]:
    """The group's tables, times in its timezone (``timezone``: the bot's default) and ledger
    reasons rendered by ``reason``; raises :class:`UnknownGroup` for a group the bot has never
    seen."""
    if not known(conn, group_key):
        raise UnknownGroup(group_key)
    community = community_of(conn, group_key)
    found = [members(conn, community, group_key), points(conn, community, reason)]
    quoted = quotes(conn, community)
    if quoted is not None:
        found.append(quoted)
    zone = timezone_of(conn, group_key, timezone)
    return [localised(table, zone) for table in found]


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
