"""Per-user and per-group rate limits at the intake, so one flooder never slows the others.

Each person has a token bucket. An event beyond it is rejected *when it arrives* — the
flooder's newest events go, never other members' waiting ones — and the person gets a "slow
down" notice, itself limited to one per ``notice_seconds``. Each group has a bucket too, but
it paces instead of rejecting: a surge of distinct members (a thousand sign-ins when an admin
announces double points) waits in the group's queue and is released at the group's rate.
Only beyond ``group_queue`` waiting events is anything dropped, and each drop is logged and
counted per group (``/stats`` and the dashboard show it). Only what people type or press is
limited; joins, departures and join requests always pass. Buckets live in memory and are
bounded, so a flood of new accounts cannot eat it either.

Several workers on one database (``[cluster] shared``) also share the person buckets: each
worker still gates at arrival with its own (a flooder's burst never reaches the database),
and an event that passed is then charged to the database bucket (``core_rate_bucket``) in
the same transaction that records it as taken on (see
:class:`~shequn.internal.dedup.SharedKeys`), so a flooder spread over three workers gets one
rate, not three. The group pace is each worker's own: it protects that worker.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete

from shequn.internal.config import LimitSettings
from shequn.internal.event import ButtonPressed, Event, MessageEvent
from shequn.internal.message import Mention, Message, Text
from shequn.internal.models import RateBucket
from shequn.internal.storage.dialect import take_token

if TYPE_CHECKING:
    from shequn.internal.app import App

log = logging.getLogger("shequn.limits")

NAMESPACE = "limits"
LOCALES = Path(__file__).with_name("limits_locales")
MAX_BUCKETS = 50_000
"""Above this many remembered buckets the least recently used are forgotten."""
SHARED_PURGE_SECONDS = 600.0
"""How often a worker deletes shared buckets that have long been full again."""

EPSILON = 1e-6
"""Tokens (and seconds) below the float error of refilling: a wait always moves time on."""

_bucket_table = RateBucket.__table__  # type: ignore[attr-defined]

SharedCharge = Callable[[Connection], str | None]
"""Charges one event to the shared person bucket inside a write; returns ``"user"`` when it
refused, else None."""


@dataclass(slots=True)
class Bucket:
    tokens: float
    stamp: float

    def take(self, now: float, rate: float, burst: int) -> bool:
        self.tokens = min(float(burst), self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if self.tokens >= 1.0 - EPSILON:
            self.tokens = max(0.0, self.tokens - 1.0)
            return True
        return False

    def wait(self, rate: float) -> float:
        """Seconds until the next token (after a failed :meth:`take`)."""
        return max(EPSILON, (1.0 - self.tokens) / rate)


class Buckets:
    """Token buckets by key, least recently used forgotten beyond ``MAX_BUCKETS``."""

    def __init__(self, rate: float, burst: int, limit: int = MAX_BUCKETS) -> None:
        self.rate = rate
        self.burst = burst
        self._limit = limit
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def take(self, key: str, now: float) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(float(self.burst), now)
            if len(self._buckets) > self._limit:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take(now, self.rate, self.burst)

    def wait(self, key: str) -> float:
        """Seconds until ``key``'s bucket has a token again."""
        bucket = self._buckets.get(key)
        return 0.0 if bucket is None else bucket.wait(self.rate)

    def __len__(self) -> int:
        return len(self._buckets)


class Limits:
    """The gate :class:`~shequn.internal.intake.Intake` asks before queueing an event."""

    def __init__(self, app: App, settings: LimitSettings) -> None:
        self._app = app
        self._settings = settings
        self._users = Buckets(settings.user_per_second, settings.user_burst)
        self._groups = Buckets(settings.group_per_second, settings.group_burst)
        self._noticed: OrderedDict[str, float] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._purged_at: float | None = None
        self._waiting: Counter[str] = Counter()
        self.rejected = 0
        """Events refused: a person's flood, and drops beyond a group's queue."""
        self.dropped: Counter[str] = Counter()
        """Events dropped beyond ``group_queue``, by group key (``/stats`` shows them)."""
        app.translator.load_directory(NAMESPACE, LOCALES)

    def _applies(self, event: Event) -> bool:
        if not self._settings.enabled or not isinstance(event, MessageEvent | ButtonPressed):
            return False
        return event.user.key not in self._app.superusers

    def _now(self) -> float:
        return self._app.timer.monotonic()

    def _paced(self, event: Event) -> bool:
        return self._applies(event) and not event.scene.is_private

    def admit(self, event: Event) -> bool:
        """True to queue ``event``; False (after arranging a notice) to reject it: a person
        over their bucket, or a group whose queue already holds ``group_queue`` events."""
        if not self._applies(event):
            return True
        now = self._now()
        if not self._users.take(event.user.key, now):
            self._reject(event, now, "user")
            return False
        if event.scene.is_private:
            return True
        group = event.scene.group_key
        if self._waiting[group] >= self._settings.group_queue:
            self.dropped[group] += 1
            log.warning("group %s has %d events waiting: dropped one", group, self._waiting[group])
            self._reject(event, now, "group")
            return False
        self._waiting[group] += 1
        return True

    async def pace(self, event: Event) -> None:
        """Wait for a token of ``event``'s group (the intake calls it before handling an
        admitted event), so a surge is handled at the group's rate, late but whole."""
        if not self._paced(event):
            return
        group = event.scene.group_key
        try:
            while not self._groups.take(group, self._now()):
                await self._app.timer.sleep(self._groups.wait(group))
        finally:
            self._release(group)

    def discard(self, event: Event) -> None:
        """The intake dropped ``event`` after admitting it (its scene queue was full)."""
        if self._paced(event):
            self._release(event.scene.group_key)
            self.dropped[event.scene.group_key] += 1

    def _release(self, group: str) -> None:
        self._waiting[group] -= 1
        if self._waiting[group] <= 0:
            del self._waiting[group]

    def waiting(self, group_key: str) -> int:
        """Events of the group admitted and not yet released to the handlers."""
        return self._waiting[group_key]

    def shared_charge(self, event: Event, at: float) -> SharedCharge | None:
        """The database side of the limits for ``event`` at wall-clock time ``at`` (shared by
        every worker), or None when the event is not limited."""
        if not self._applies(event):
            return None
        settings = self._settings
        user_key = "user:" + event.user.key
        purge = self._purge_due(at)

        def charge(conn: Connection) -> str | None:
            if purge:
                full_since = settings.user_burst / settings.user_per_second
                stale = _bucket_table.c.stamp < at - full_since - SHARED_PURGE_SECONDS
                conn.execute(delete(_bucket_table).where(stale))
            if not take_token(
                conn, _bucket_table, user_key, at, settings.user_per_second, settings.user_burst
            ):
                return "user"
            return None

        return charge

    def _purge_due(self, at: float) -> bool:
        if self._purged_at is not None and at - self._purged_at < SHARED_PURGE_SECONDS:
            return False
        self._purged_at = at
        return True

    def refused(self, event: Event, why: str) -> None:
        """``event`` was refused by a shared bucket: count it and arrange the notice."""
        self._reject(event, self._now(), why)

    def _reject(self, event: Event, now: float, why: str) -> None:
        self.rejected += 1
        key = event.user.key if why == "user" else event.scene.group_key
        last = self._noticed.get(key)
        if last is not None and now - last < self._settings.notice_seconds:
            return
        self._noticed[key] = now
        self._noticed.move_to_end(key)
        if len(self._noticed) > MAX_BUCKETS:
            self._noticed.popitem(last=False)
        log.warning("%s %s is over its rate limit: its newest events are rejected", why, key)
        task = asyncio.get_running_loop().create_task(self._notify(event, why))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify(self, event: Event, why: str) -> None:
        locale = self._app.group_locale(event.scene.group_key)
        text = self._app.translator.translate(NAMESPACE, locale, f"limits.slow_down_{why}")
        if why == "user" and not event.scene.is_private:
            message = Message([Mention(event.user.id, event.user.name), Text(" " + text)])
        else:
            message = Message([Text(text)])
        try:
            await self._app.send(event.scene, message)
        except Exception:
            log.warning("could not send a slow-down notice in %s", event.scene.key, exc_info=True)

    async def settle(self) -> None:
        """Wait for the notices being sent (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
