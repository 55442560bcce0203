"""Permission levels. Admin and owner come from the platform; superusers from config."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    """Ordered so that ``level >= Level.ADMIN`` reads naturally."""

    MEMBER = 0
    ADMIN = 1
    OWNER = 2
    SUPERUSER = 3

    @classmethod
    def parse(cls, value: str) -> Level:
        return cls[value.strip().upper()]
