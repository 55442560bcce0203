"""Who is speaking, and where: the console's seat in the simulated world."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^[^\s@:#]{1,64}$")


def valid_name(name: str) -> bool:
    """A user or group name: one word, no ``@`` (mentions), ``:`` or ``#`` (meta, notes)."""
    return bool(_NAME.match(name))


@dataclass
class Seat:
    """The current speaker and the group they speak in (``None``: privately to the bot)."""

    user: str
    group: str | None
    last_group: str

    @classmethod
    def start(cls, user: str, group: str) -> Seat:
        return cls(user=user, group=group, last_group=group)

    def go_to_group(self, group: str) -> None:
        self.group = group
        self.last_group = group

    def go_private(self) -> None:
        self.group = None

    @property
    def is_private(self) -> bool:
        return self.group is None
