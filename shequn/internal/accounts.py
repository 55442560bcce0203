"""Several bot accounts on one platform, sharing groups.

When two of the bot's accounts sit in the same group, each receives every message there.
Exactly one of them may answer, and each message must be handled once. :class:`Accounts`
knows which accounts are connected and which groups each is in, elects the speaker of a
group (the lowest connected account id that is a member) and lets the first account that
delivers an event claim it, so the copies the other accounts deliver are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable


def account_order(account: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order (QQ numbers), others after them in text order."""
    if account.isdigit():
        return (0, int(account), "")
    return (1, 0, account)


class Accounts:
    def __init__(self, *, ttl: float = 600.0, capacity: int = 100_000) -> None:
        self._connected: set[str] = set()
        self._groups: dict[str, set[str]] = {}
        """group id -> accounts known to be members."""
        self._claims: OrderedDict[Hashable, tuple[str, float]] = OrderedDict()
        self._ttl = ttl
        self._capacity = capacity

    # -- connections and membership --------------------------------------------------------

    def connect(self, account: str) -> None:
        self._connected.add(account)

    def disconnect(self, account: str) -> None:
        self._connected.discard(account)

    @property
    def connected(self) -> list[str]:
        return sorted(self._connected, key=account_order)

    def joined(self, account: str, group: str) -> None:
        """``account`` is in ``group`` (it delivered an event from there, or listed it)."""
        members = self._groups.get(group)
        if members is None:
            self._groups[group] = {account}
        elif account not in members:
            members.add(account)

    def joined_all(self, account: str, groups: Iterable[str]) -> None:
        for group in groups:
            self.joined(account, group)

    def left(self, account: str, group: str) -> None:
        members = self._groups.get(group)
        if members is not None:
            members.discard(account)

    def speaker(self, group: str | None = None) -> str | None:
        """The account that speaks in ``group``: the lowest connected member; when no
        connected account is known to be a member, the lowest connected account."""
        members = self._groups.get(group, ()) if group is not None else ()
        present = [a for a in members if a in self._connected]
        if present:
            return min(present, key=account_order)
        if self._connected:
            return min(self._connected, key=account_order)
        return None

    # -- one delivery per event ------------------------------------------------------------

    def claim(self, key: Hashable, account: str, now: float) -> bool:
        """True unless another account already delivered the event ``key`` within the
        time-to-live. The same account may deliver the same key again: telling a
        redelivery from a new event is the dispatcher's job (event ids)."""
        held = self._claims.get(key)
        if held is not None and held[0] != account and now - held[1] < self._ttl:
            return False
        self._claims[key] = (account, now)
        self._claims.move_to_end(key)
        while len(self._claims) > self._capacity:
            self._claims.popitem(last=False)
        return True
