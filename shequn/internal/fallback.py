"""Explicit fallbacks for what a platform cannot show.

Before an adapter's exporter sees a message, segments the platform lacks are rewritten into
ones it has: buttons become numbered choices ("reply 1, 2 or 3") whose numbers come back as
:class:`ButtonPressed`, mentions become ``@name`` text, images a link. The exporter then only
implements what its platform really supports.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from shequn.internal.adapter import Capabilities
from shequn.internal.message import Button, Buttons, Image, Mention, Message, Reply, Segment, Text

Translate = Callable[..., str]

CHOICE_TTL = 600.0
"""Seconds during which a numbered reply still counts as a button press."""


def degrade(message: Message, caps: Capabilities, t: Translate) -> tuple[Message, list[Button]]:
    """Rewrite ``message`` for ``caps``; return it and the buttons turned into choices."""
    out: list[Segment] = []
    choices: list[Button] = []
    for segment in message:
        if isinstance(segment, Buttons) and not caps.buttons:
            buttons = segment.flat()
            if not buttons:
                continue
            start = len(choices) + 1
            choices.extend(buttons)
            lines = [f"{start + i}. {b.label}" for i, b in enumerate(buttons)]
            numbers = [str(start + i) for i in range(len(buttons))]
            hint = t("fallback.choose", numbers=_or_list(numbers, t))
            out.append(Text("\n" + "\n".join(lines) + "\n" + hint))
        elif isinstance(segment, Mention) and not caps.mentions:
            out.append(Text("@" + (segment.name or segment.user_id)))
        elif isinstance(segment, Image) and not caps.images:
            out.append(Text(t("fallback.image", url=segment.url)))
        elif isinstance(segment, Reply) and not caps.replies:
            continue
        else:
            out.append(segment)
    return Message(out), choices


def _or_list(items: list[str], t: Translate) -> str:
    if len(items) == 1:
        return items[0]
    return t("fallback.or", head=", ".join(items[:-1]), last=items[-1])


def addressee(message: Message) -> str:
    """The member a message's buttons ask (:attr:`Buttons.only`); empty: anyone."""
    asked = {segment.only for segment in message if isinstance(segment, Buttons)}
    return asked.pop() if len(asked) == 1 else ""


@dataclass
class PendingChoices:
    """Numbered choices on offer, so ``2`` can stand for the second button.

    Open choices (a poll) belong to the scene: anyone's number counts. Choices addressed to
    one member (a newcomer's prompt) are that member's alone and, while they last, that
    member's numbers mean nothing else; they neither replace the scene's open choices nor
    answer anyone else's prompt."""

    _by_scene: dict[str, tuple[float, list[Button]]] = field(default_factory=dict)
    _by_member: dict[str, dict[str, tuple[float, list[Button]]]] = field(default_factory=dict)
    """scene key -> user id -> (expiry, choices) of the prompts addressed to one member."""

    def offer(
        self,
        scene_key: str,
        buttons: list[Button],
        now: float,
        *,
        only: str = "",
        ttl: float = CHOICE_TTL,
    ) -> None:
        """Offer ``buttons`` in ``scene_key``; with ``only``, to that member alone (their
        latest prompt replaces their earlier one). An empty list addressed to a member keeps
        their numbers plain text (the answer to a typed question) for ``ttl`` seconds."""
        if only:
            members = self._by_member.setdefault(scene_key, {})
            for stale in [user for user, (expires, _) in members.items() if expires < now]:
                del members[stale]
            members[only] = (now + ttl, buttons)
        else:
            self._by_scene[scene_key] = (now + ttl, buttons)

    def waiting(self, scene_key: str) -> bool:
        """Whether ``scene_key`` has choices on offer (asked first: most scenes have none,
        and reading a message's text costs more than this lookup)."""
        return scene_key in self._by_scene or scene_key in self._by_member

    def resolve(self, scene_key: str, text: str, now: float, user_id: str = "") -> Button | None:
        """The button ``text`` stands for when ``user_id`` sends it, or None (plain text)."""
        own = self._by_member.get(scene_key, {}).get(user_id) if user_id else None
        if own is not None:
            if now <= own[0]:
                return _numbered(own[1], text)
            self.release(scene_key, user_id)
        entry = self._by_scene.get(scene_key)
        if entry is None:
            return None
        expires, buttons = entry
        if now > expires:
            del self._by_scene[scene_key]
            return None
        return _numbered(buttons, text)

    def release(self, scene_key: str, user_id: str) -> None:
        """Forget the choices addressed to one member (their prompt is answered)."""
        members = self._by_member.get(scene_key)
        if members is not None and members.pop(user_id, None) is not None and not members:
            del self._by_member[scene_key]

    def withdraw(self, scene_key: str, data: Collection[str]) -> bool:
        """Forget a scene's numbered choices when they stand for any of these button ``data``
        (a closed question or poll), so a later ``2`` is plain text again. True if forgotten."""
        entry = self._by_scene.get(scene_key)
        if entry is None or not any(button.data in data for button in entry[1]):
            return False
        del self._by_scene[scene_key]
        return True


def _numbered(buttons: list[Button], text: str) -> Button | None:
    text = text.strip()
    if not text.isdecimal() or not 1 <= int(text) <= len(buttons):
        return None
    return buttons[int(text) - 1]
