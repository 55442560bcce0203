"""The messages seen in each scene, newest last, so ``:reply N`` can name one by counting back.

Counting back (1: the latest) needs no numbers on screen, so a transcript reads as the chat
did, and a script can say ``:reply 1 /quote`` right after the line it means.
"""

from __future__ import annotations

from collections import deque

KEPT = 100
"""Messages remembered per scene; far more than anyone counts back."""


class History:
    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._scenes: dict[str, deque[str]] = {}

    def add(self, scene_key: str, message_id: str) -> None:
        seen = self._scenes.get(scene_key)
        if seen is None:
            seen = self._scenes[scene_key] = deque(maxlen=self._kept)
        seen.append(message_id)

    def back(self, scene_key: str, n: int) -> str | None:
        """The id of the ``n``-th latest message of the scene (1: the latest), if kept."""
        seen = self._scenes.get(scene_key, ())
        if not 1 <= n <= len(seen):
            return None
        return seen[-n]

    def latest(self, scene_key: str, count: int) -> list[str]:
        """Up to ``count`` ids, the latest first (number 1)."""
        seen = self._scenes.get(scene_key, deque())
        return list(reversed(seen))[:count]
