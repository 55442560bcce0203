"""Who invited a new member: invite use counts compared before and after the join.

Discord does not say which invite a member used. The tracker keeps each server's invites and
their use counts; on a join it reads them again. Exactly one invite used once more (and the
vanity URL unchanged) credits that invite's owner: the member a bot-made personal invite
belongs to, else the invite's creator. The vanity URL is marked ``vanity_url``; anything
ambiguous (two joins at once, a failed read, no change) is ``unknown`` and credits nobody,
so a join is never credited to the wrong member. Joins of one server are examined one at a
time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.discord.invite_store import InviteStore

log = logging.getLogger("shequn.discord.invites")

VIA_INVITE = "invite_uses:"
VIA_NAMED = "invite_link:"
"""A personal invite the bot made, by the name it was made with (as on Telegram)."""
VIA_VANITY = "vanity_url"
VIA_UNKNOWN = "unknown"

FetchInvites = Callable[[int], Awaitable[list[Mapping[str, Any]]]]
FetchVanity = Callable[[int], Awaitable[int | None]]


@dataclass(frozen=True, slots=True)
class InviteInfo:
    uses: int
    max_uses: int
    inviter_id: str | None
    inviter_name: str


@dataclass(frozen=True, slots=True)
class Attribution:
    """``inviter`` is ``(user id, name)`` or None; ``via`` says how it was (not) known."""

    inviter: tuple[str, str] | None
    via: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    invites: dict[str, InviteInfo]
    vanity_uses: int | None


def parse_invites(payload: list[Mapping[str, Any]]) -> dict[str, InviteInfo]:
    """``GET /guilds/{id}/invites`` -> code -> uses; malformed entries are skipped."""
    out: dict[str, InviteInfo] = {}
    for item in payload:
        try:
            code = str(item["code"])
            inviter = item.get("inviter") or {}
            out[code] = InviteInfo(
                uses=int(item.get("uses") or 0),
                max_uses=int(item.get("max_uses") or 0),
                inviter_id=str(inviter["id"]) if inviter.get("id") else None,
                inviter_name=str(inviter.get("global_name") or inviter.get("username") or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("skipped a malformed invite: %.200r", item)
    return out


@dataclass(frozen=True, slots=True)
class Personal:
    """A personal invite the bot made for a member."""

    owner_id: str
    owner_name: str
    name: str


def attribute(
    before: Snapshot, after: Snapshot, personal: Mapping[str, Personal], bot_id: str
) -> Attribution:
    """Compare two snapshots around one join."""
    grown: list[tuple[str, int]] = []
    for code, info in after.invites.items():
        old = before.invites.get(code)
        delta = info.uses - (old.uses if old else 0)
        if delta > 0:
            grown.append((code, delta))
    # A limited invite used up at this join disappears instead of counting up.
    used_up = [
        code
        for code, info in before.invites.items()
        if code not in after.invites and info.max_uses and info.uses + 1 == info.max_uses
    ]
    vanity = (after.vanity_uses or 0) - (before.vanity_uses or 0)
    if vanity < 0:
        vanity = 0
    total = sum(delta for _, delta in grown) + vanity
    if total == 1 and vanity == 1 and not used_up:
        return Attribution(None, VIA_VANITY)
    if total == 1 and len(grown) == 1 and not used_up:
        return _credit(grown[0][0], after.invites[grown[0][0]], personal, bot_id)
    if total == 0 and len(used_up) == 1:
        return _credit(used_up[0], before.invites[used_up[0]], personal, bot_id)
    return Attribution(None, VIA_UNKNOWN)


def _credit(
    code: str, info: InviteInfo, personal: Mapping[str, Personal], bot_id: str
) -> Attribution:
    owner = personal.get(code)
    if owner is not None:
        via = VIA_NAMED + owner.name if owner.name else VIA_INVITE + code
        return Attribution((owner.owner_id, owner.owner_name), via)
    if info.inviter_id is None or info.inviter_id == bot_id:
        # Made by the bot for someone we no longer know: the invite is known, its owner is not.
        return Attribution(None, VIA_INVITE + code)
    return Attribution((info.inviter_id, info.inviter_name), VIA_INVITE + code)


class InviteTracker:
    """Per server: the last snapshot, and a lock so joins are compared one at a time.

    With a ``store`` the snapshots and personal invites outlive the process: :meth:`load`
    reads them at start, and every read and personal invite is written back.
    """

    def __init__(
        self,
        fetch_invites: FetchInvites,
        fetch_vanity: FetchVanity,
        bot_id: str,
        store: InviteStore | None = None,
    ) -> None:
        self._fetch_invites = fetch_invites
        self._fetch_vanity = fetch_vanity
        self.bot_id = bot_id
        self._store = store
        self._snapshots: dict[int, Snapshot] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.personal: dict[str, Personal] = {}
        """Codes of personal invites the bot made -> whose they are."""

    def lock(self, guild_id: int) -> asyncio.Lock:
        """Held while a server's invites are read, compared or added to."""
        return self._locks.setdefault(guild_id, asyncio.Lock())

    async def load(self) -> None:
        """What the last run knew: before any server is read again."""
        if self._store is None:
            return
        stored = await self._store.load()
        self._snapshots.update(stored.snapshots)
        self.personal.update(stored.personal)
        log.info(
            "%d servers' invites and %d personal invites known from the last run",
            len(stored.snapshots),
            len(stored.personal),
        )

    async def _read(self, guild_id: int) -> Snapshot | None:
        try:
            invites = parse_invites(await self._fetch_invites(guild_id))
            vanity = await self._fetch_vanity(guild_id)
        except Exception as error:  # no Manage Server permission, network, rate limit...
            log.warning("could not read the invites of server %s: %s", guild_id, error)
            return None
        return Snapshot(invites, vanity)

    async def _keep(self, guild_id: int, before: Snapshot | None, after: Snapshot) -> None:
        """``after`` becomes the server's snapshot; invites gone since are forgotten."""
        self._snapshots[guild_id] = after
        if before is not None:
            for code in before.invites.keys() - after.invites.keys():
                self.personal.pop(code, None)
        if self._store is not None:
            await self._store.save(guild_id, before, after)

    async def refresh(self, guild_id: int) -> None:
        """Read the server's invites now (at start, on joining a server) and reconcile what
        was stored: invites deleted or made while the bot was away."""
        async with self.lock(guild_id):
            before = self._snapshots.get(guild_id)
            after = await self._read(guild_id)
            if after is None:
                return
            if before is not None:
                missed = sum(
                    max(info.uses - (old.uses if (old := before.invites.get(code)) else 0), 0)
                    for code, info in after.invites.items()
                )
                if missed:
                    log.info(
                        "server %s: %d invite uses while the bot was away (not attributed)",
                        guild_id,
                        missed,
                    )
            await self._keep(guild_id, before, after)

    async def remember_personal(
        self, guild_id: int, code: str, info: InviteInfo, owner: Personal
    ) -> None:
        """A personal invite just made, known before anyone can use it; call it under
        :meth:`lock` (held across the creation) so no concurrent read forgets it."""
        self.personal[code] = owner
        snapshot = self._snapshots.get(guild_id)
        if snapshot is not None:
            snapshot.invites[code] = info
        if self._store is not None:
            await self._store.save_personal(guild_id, code, info, owner)

    async def on_join(self, guild_id: int) -> Attribution:
        async with self.lock(guild_id):
            before = self._snapshots.get(guild_id)
            after = await self._read(guild_id)
            if after is None:
                return Attribution(None, VIA_UNKNOWN)
            # Attribute first: a limited invite used up now disappears from ``after``.
            found = (
                attribute(before, after, self.personal, self.bot_id)
                if before is not None
                else Attribution(None, VIA_UNKNOWN)
            )
            await self._keep(guild_id, before, after)
            return found

    def forget(self, guild_id: int) -> None:
        self._snapshots.pop(guild_id, None)
