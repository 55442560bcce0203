"""The invite tracker's memory in the database, so attribution survives a restart.

Discord never says which invite a member used, and an invite the bot made for a member names
the bot as its creator: who it belongs to is known only to us. Kept per server: each invite's
use count as last read (the "before" of the next join) and, for personal invites, their
owner. Writes are differences between two reads of the same server (made one at a time under
the tracker's lock), so an invite deleted while the bot was down is deleted here at the first
read after start, and one created meanwhile is added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Float, Integer, MetaData, String, Table, delete, select

from adapters.discord.invites import InviteInfo, Personal, Snapshot
from shequn.storage import Database, upsert

log = logging.getLogger("shequn.discord.invites")

metadata = MetaData()
guilds = Table(
    "discord_invite_guild",
    metadata,
    Column("guild_id", String(32), primary_key=True),
    Column("vanity_uses", Integer, nullable=True),
    Column("read_at", Float, nullable=False),
)
invites = Table(
    "discord_invite",
    metadata,
    Column("guild_id", String(32), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("uses", Integer, nullable=False),
    Column("max_uses", Integer, nullable=False),
    Column("inviter_id", String(32), nullable=True),
    Column("inviter_name", String(200), nullable=False),
    Column("owner_id", String(64), nullable=True),
    Column("owner_name", String(200), nullable=False, server_default=""),
    Column("label", String(64), nullable=False, server_default=""),
)


@dataclass(frozen=True, slots=True)
class Stored:
    snapshots: dict[int, Snapshot]
    """Servers read before -> their invites as last read."""
    personal: dict[str, Personal]
    """Codes of personal invites the bot made -> whose they are."""


def _load(conn: Connection) -> Stored:
    snapshots: dict[int, Snapshot] = {}
    for row in conn.execute(select(guilds)):
        if row.guild_id.isdigit():
            snapshots[int(row.guild_id)] = Snapshot({}, row.vanity_uses)
    personal: dict[str, Personal] = {}
    for row in conn.execute(select(invites)):
        snapshot = snapshots.get(int(row.guild_id)) if row.guild_id.isdigit() else None
        if snapshot is not None:
            snapshot.invites[row.code] = InviteInfo(
                row.uses, row.max_uses, row.inviter_id, row.inviter_name
            )
        if row.owner_id is not None:
            personal[row.code] = Personal(row.owner_id, row.owner_name, row.label)
    return Stored(snapshots, personal)


def _info_values(info: InviteInfo) -> dict[str, object]:
    return {
        "uses": info.uses,
        "max_uses": info.max_uses,
        "inviter_id": info.inviter_id,
        "inviter_name": info.inviter_name[:200],
    }


def _save(
    guild_id: int, before: Snapshot | None, after: Snapshot, now: float
) -> Callable[[Connection], None]:
    gid = str(guild_id)
    changed = {
        code: info
        for code, info in after.invites.items()
        if before is None or before.invites.get(code) != info
    }
    gone = [code for code in before.invites if code not in after.invites] if before else []

    def write(conn: Connection) -> None:
        upsert(conn, guilds, {"guild_id": gid}, {"vanity_uses": after.vanity_uses, "read_at": now})
        mine = invites.c.guild_id == gid
        if before is None:  # never read: whatever is stored for it is stale
            conn.execute(delete(invites).where(mine, invites.c.code.not_in(list(after.invites))))
        elif gone:
            conn.execute(delete(invites).where(mine, invites.c.code.in_(gone)))
        for code, info in changed.items():
            # The owner columns are not written: a personal invite keeps its owner.
            upsert(conn, invites, {"guild_id": gid, "code": code}, _info_values(info))

    return write


def _save_personal(
    guild_id: int, code: str, info: InviteInfo, owner: Personal
) -> Callable[[Connection], None]:
    def write(conn: Connection) -> None:
        values = {
            **_info_values(info),
            "owner_id": owner.owner_id,
            "owner_name": owner.owner_name[:200],
            "label": owner.name[:64],
        }
        upsert(conn, invites, {"guild_id": str(guild_id), "code": code}, values)

    return write


class InviteStore:
    """Reads and writes for :class:`~adapters.discord.invites.InviteTracker`.

    A failed write is logged and never stops attribution: memory stays right for this run
    and the first read after the next start puts the stored counts right again.
    """

    def __init__(self, db: Database, now: Callable[[], float]) -> None:
        self._db = db
        self._now = now

    async def load(self) -> Stored:
        return await self._db.read(_load)

    async def save(self, guild_id: int, before: Snapshot | None, after: Snapshot) -> None:
        try:
            await self._db.write(_save(guild_id, before, after, self._now()), "discord-invites")
        except Exception:
            log.exception("could not store the invites of server %s", guild_id)

    async def save_personal(
        self, guild_id: int, code: str, info: InviteInfo, owner: Personal
    ) -> None:
        try:
            await self._db.write(_save_personal(guild_id, code, info, owner), "discord-invites")
        except Exception:
            log.exception("could not store personal invite %s of server %s", code, guild_id)
