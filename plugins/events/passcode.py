"""The check-in code: six digits from HMAC-SHA256 of the event's secret and the minute.

The organiser's screen shows the current minute's code; the bot accepts it during that
minute and the next, so a code read at hh:mm:59 still works when typed a few seconds later.
"""

from __future__ import annotations

import hashlib
import hmac


def code_for(secret: str, event_id: int, minute: int) -> str:
    digest = hmac.new(secret.encode(), f"{event_id}:{minute}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def minute_of(timestamp: float) -> int:
    return int(timestamp // 60)


def code_is_valid(secret: str, event_id: int, code: str, now: float) -> bool:
    given = code.strip().encode("utf-8", "replace")
    minute = minute_of(now)
    return any(
        hmac.compare_digest(given, code_for(secret, event_id, m).encode())
        for m in (minute, minute - 1)
    )
