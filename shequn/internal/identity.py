"""People and communities.

An account (``platform:user_id``) is its own person until it is linked to another, with the
consent of both (see :mod:`shequn.internal.linking`); a group (``platform:group_id``) is its
own community until a superuser joins it to a named community. Points and streaks are keyed
by (person, community), so they follow a member across platforms and groups; permission never
does (it comes from the account that acts). Only links and memberships are stored; both tables are
small and held in memory, which keeps the per-event path free of database reads.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from shequn.internal.clock import Clock
from shequn.internal.event import User
from shequn.internal.i18n import TranslatableError
from shequn.internal.ledger import balances_where, move
from shequn.internal.models import Account, Community, CommunityGroup, Profile
from shequn.internal.state_sync import bump
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore, upsert

_account = Account.__table__  # type: ignore[attr-defined]
_community = Community.__table__  # type: ignore[attr-defined]
_member = CommunityGroup.__table__  # type: ignore[attr-defined]
_profile = Profile.__table__  # type: ignore[attr-defined]

NAME_CACHE = 50_000
"""Display names remembered in memory; older ones are re-read from the database."""

CACHE = "identity"
"""The name under which changes are announced to other workers (see state_sync)."""


class IdentityError(TranslatableError):
    """A refused identity operation (unknown community, existing name...)."""


@dataclass(frozen=True, slots=True)
class CommunityInfo:
    key: str
    name: str
    groups: tuple[str, ...]


class Identity:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._person: dict[str, str] = {}
        self._community_of: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._seen_names: OrderedDict[str, str] = OrderedDict()

    async def load(self) -> None:
        def read(conn: Connection) -> tuple[list[object], list[object], list[object]]:
            return (
                list(conn.execute(select(_account))),
                list(conn.execute(select(_member))),
                list(conn.execute(select(_community))),
            )

        accounts, members, communities = await self._db.read(read)
        self._person = {r.key: r.person for r in accounts}  # type: ignore[attr-defined]
        self._community_of = {r.group_key: r.community for r in members}  # type: ignore[attr-defined]
        self._names = {r.key: r.name for r in communities}  # type: ignore[attr-defined]

    # -- lookups (no I/O) ------------------------------------------------------------------

    def person_of(self, account_key: str) -> str:
        return self._person.get(account_key, account_key)

    def accounts_of(self, person: str) -> list[str]:
        linked = [k for k, p in self._person.items() if p == person]
        return sorted({person, *linked})

    def community_of(self, group_key: str) -> str:
        return self._community_of.get(group_key, group_key)

    def community_name(self, key: str) -> str:
        return self._names.get(key, key)

    def communities(self) -> list[CommunityInfo]:
        return [
            CommunityInfo(
                key, name, tuple(sorted(g for g, c in self._community_of.items() if c == key))
            )
            for key, name in sorted(self._names.items(), key=lambda kv: kv[1])
        ]

    # -- display names ---------------------------------------------------------------------

    def name_is_new(self, user: User) -> bool:
        """True when ``user``'s display name is not known as it is (store it then)."""
        known = self._seen_names.get(user.key)
        if known is not None:
            self._seen_names.move_to_end(user.key)
        return bool(user.name) and known != user.name

    async def remember_name(self, user: User) -> None:
        now = self._clock.now().timestamp()
        await self._db.write(
            lambda conn: upsert(
                conn, _profile, {"key": user.key}, {"name": user.name[:200], "updated_at": now}
            )
        )
        self._seen_names[user.key] = user.name
        while len(self._seen_names) > NAME_CACHE:
            self._seen_names.popitem(last=False)

    async def display_names(self, keys: list[str]) -> dict[str, str]:
        """Names of accounts or persons (a person shows as its own account's name)."""

        def read(conn: Connection) -> dict[str, str]:
            rows = conn.execute(
                select(_profile.c.key, _profile.c.name).where(_profile.c.key.in_(keys))
            )
            return {r.key: r.name for r in rows}

        found = await self._db.read(read) if keys else {}
        return {k: found.get(k) or k.partition(":")[2] or k for k in keys}

    # -- account links (made and undone by :mod:`shequn.internal.linking`) ---------------

    def joined(self, accounts: Iterable[str], person: str) -> None:
        """Note that ``accounts`` now belong to ``person`` (already written)."""
        for key in accounts:
            self._person[key] = person

    def left(self, accounts: Iterable[str]) -> None:
        """Note that ``accounts`` are each their own person again (already written)."""
        for key in accounts:
            self._person.pop(key, None)

    # -- communities -----------------------------------------------------------------------

    async def create_community(self, name: str) -> str:
        key = "community:" + name
        now = self._clock.now().timestamp()

        def write(conn: Connection) -> bool:
            row = {"key": key, "name": name, "created_at": now}
            created = insert_ignore(conn, _community, row, ("key",))
            if created:
                bump(conn, CACHE)
            return created

        if not await self._db.write(write):
            raise IdentityError("community.exists", name=name)
        self._names[key] = name
        return key

    def find_community(self, name: str) -> str:
        for key, known in self._names.items():
            if known == name:
                return key
        raise IdentityError("community.unknown", name=name)

    async def add_group(self, community: str, group_key: str) -> None:
        """Join ``group_key`` to ``community``; its members' points move along."""
        previous = self.community_of(group_key)
        if previous == community:
            return
        now = self._clock.now().timestamp()

        def write(conn: Connection) -> None:
            upsert(conn, _member, {"group_key": group_key}, {"community": community})
            bump(conn, CACHE)
            if previous != group_key:
                return  # came from another named community: its points stay there
            for person, _, amount in balances_where(conn, community=group_key):
                key = f"merge:{group_key}:{community}:{person}:{now}"
                move(conn, (person, group_key), (person, community), amount, "community", key, now)

        await self._db.write(write)
        self._community_of[group_key] = community

    async def remove_group(self, group_key: str) -> None:
        def write(conn: Connection) -> None:
            conn.execute(delete(_member).where(_member.c.group_key == group_key))
            bump(conn, CACHE)

        await self._db.write(write)
        self._community_of.pop(group_key, None)
