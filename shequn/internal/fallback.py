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


@dataclass
class PendingChoices:
    """Numbered choices offered in each scene, so ``2`` can stand for the second button."""

    _by_scene: dict[str, tuple[float, list[Button]]] = field(default_factory=dict)

    def offer(self, scene_key: str, buttons: list[Button], now: float) -> None:
        self._by_scene[scene_key] = (now + CHOICE_TTL, buttons)

    def waiting(self, scene_key: str) -> bool:
        """Whether ``scene_key`` has choices on offer (asked first: most scenes have none,
        and reading a message's text costs more than this lookup)."""
        return scene_key in self._by_scene

    def resolve(self, scene_key: str, text: str, now: float) -> Button | None:
        entry = self._by_scene.get(scene_key)
        if entry is None:
            return None
        expires, buttons = entry
        if now > expires:
            del self._by_scene[scene_key]
            return None
        text = text.strip()
        if not text.isdecimal() or not 1 <= int(text) <= len(buttons):
            return None
        return buttons[int(text) - 1]

    def withdraw(self, scene_key: str, data: Collection[str]) -> bool:
        """Forget a scene's numbered choices when they stand for any of these button ``data``
        (a closed question or poll), so a later ``2`` is plain text again. True if forgotten."""
        entry = self._by_scene.get(scene_key)
        if entry is None or not any(button.data in data for button in entry[1]):
            return False
        del self._by_scene[scene_key]
        return True
