"""INTERACTION_CREATE payloads made buildable before discord.py parses them.

An interaction that discord.py cannot build is never answered, and the member sees
"interaction failed". Two real shapes do that: an interaction without its ``channel`` object
(Discord's own documentation examples, DMs, user installs send only ``channel_id``, or
neither), and a button or modal press whose ``message`` carries an attachment with missing
fields. The message is cleaned like a ``MESSAGE_CREATE`` (:func:`clean_payload`); a
``channel_id`` without a channel object is remembered here, because discord.py reads the id
only from the object; fields discord.py requires but older payloads lack get their defaults.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from typing import Any

from adapters.discord.media import MAX_UPLOAD, clean_payload

REMEMBERED = 1_000
"""Channel ids kept for interactions not handled yet (they are handled within moments)."""


class InteractionPayloads:
    """Prepares INTERACTION_CREATE payloads; hands back the ``channel_id`` discord.py drops."""

    def __init__(self, state: Any, application_id: Callable[[], int | None]) -> None:
        self._state = state
        self._application_id = application_id
        self._channels: OrderedDict[int, int] = OrderedDict()

    def prepare(self, data: Any) -> None:
        """Fix ``data`` in place so that discord.py builds the interaction."""
        if not isinstance(data, MutableMapping):
            return
        data.setdefault("version", 1)
        data.setdefault("attachment_size_limit", MAX_UPLOAD)
        application_id = self._application_id()
        if "application_id" not in data and application_id is not None:
            data["application_id"] = str(application_id)
        member_defaults(data.get("member"))
        message = data.get("message")
        if isinstance(message, MutableMapping):
            clean_payload(message, self._state)
        channel = data.get("channel")
        channel_id = _snowflake(data.get("channel_id"))
        interaction_id = _snowflake(data.get("id"))
        if channel_id is None or interaction_id is None:
            return
        if isinstance(channel, MutableMapping) and channel.get("type") is not None:
            return  # discord.py builds the channel itself
        self._channels[interaction_id] = channel_id
        while len(self._channels) > REMEMBERED:
            self._channels.popitem(last=False)

    def channel_id(self, interaction_id: int) -> int | None:
        """The channel of an interaction that came without its channel object (once)."""
        return self._channels.pop(interaction_id, None)


def member_defaults(member: Any) -> None:
    """A member object as documented lacks ``flags``, which discord.py requires: 0."""
    if isinstance(member, MutableMapping):
        member.setdefault("flags", 0)


def _snowflake(value: Any) -> int | None:
    text = str(value) if isinstance(value, int | str) else ""
    return int(text) if text.isdecimal() and len(text) <= 20 else None
