"""Message metadata in, batched counters out: the hot-path side of analytics.

Each event adds one small record to an in-memory buffer (no I/O, no await). The buffer goes
to the database every ``FLUSH_SECONDS``, whenever it holds ``FLUSH_RECORDS`` records, before
every analytics read and when the bot stops, as background writes of at most ``FLUSH_CHUNK``
records each: the writer is shared with sign-ins and rewards, and one long transaction would
hold every write queued behind it (2,000 records took ~70 ms, which was the sign-in p99 at
1,000/s); background writes ride along a few per batch (see ``Database.write``). Inside
each transaction a record's event key is inserted into ``core_activity_seen`` first and only
the records whose key was new are summed per (group, hour, person), so a redelivered event
counts once even when it arrives after a restart or at another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, delete

from shequn.internal.analytics.metrics import MessageMetrics
from shequn.internal.analytics.models import (
    activity_table,
    membership_table,
    seen_table,
    text_table,
    use_table,
)
from shequn.internal.clock import Clock
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore, insert_ignore_many, upsert_add_rows

log = logging.getLogger("shequn.analytics")

FLUSH_SECONDS = 30.0
FLUSH_RECORDS = 2000
FLUSH_CHUNK = 50
"""Records per background write: a few milliseconds on SQLite. At 1,000 sign-ins/s with 1M
members, one chunk of 200 per batch still put the sign-in p99 at 20-22 ms, of 50 at 16-18 ms
(on a loaded machine)."""
MAX_PENDING = 200_000
"""Records kept while the database cannot be written; beyond this the oldest are dropped."""
SEEN_TTL = 3 * 86400.0
"""How long counted event keys are remembered (platforms redeliver within minutes)."""
MAX_TEXT = 4000

COUNTERS: tuple[str, ...] = (
    "messages",
    "chars",
    "links",
    "questions",
    "replies",
    "mentions",
    "commands",
    "dissent",
    "replies_received",
)


@dataclass(frozen=True, slots=True)
class MessageRecord:
    key: str
    group_key: str
    person: str
    at: float
    metrics: MessageMetrics
    activity: str | None
    """The plugin whose command this message ran, if any."""
    quoted_person: str | None
    """The author of the message this one replies to, if known and not the bot."""
    text: str | None
    """Only for groups that opted in to keeping text."""


@dataclass(frozen=True, slots=True)
class UseRecord:
    key: str
    group_key: str
    person: str
    at: float
    activity: str


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    key: str
    group_key: str
    person: str
    at: float
    kind: str


Record = MessageRecord | UseRecord | MembershipRecord


class Recorder:
    """Buffers records and writes them in batches."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._pending: list[Record] = []
        self._lock = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[int] | None = None
        self._closed = False
        self.listeners: list[Callable[[frozenset[str]], None]] = []
        """Called after each flush with the groups whose records were written (or tried),
        so readers that cache figures (the dashboard) know what is stale."""

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, record: Record) -> None:
        """Queue one record; never waits and never raises."""
        if self._closed:
            return
        self._pending.append(record)
        if len(self._pending) > MAX_PENDING:
            dropped = len(self._pending) - MAX_PENDING
            del self._pending[:dropped]
            log.error("analytics buffer full: dropped %d oldest records", dropped)
        self._ensure_ticker()
        if len(self._pending) >= FLUSH_RECORDS and (self._flusher is None or self._flusher.done()):
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush_logged(), name="shequn-analytics-flush"
            )

    def _ensure_ticker(self) -> None:
        if self._ticker is None or self._ticker.done():
            with contextlib.suppress(RuntimeError):
                self._ticker = asyncio.get_running_loop().create_task(
                    self._tick(), name="shequn-analytics-ticker"
                )

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await self._flush_logged()

    async def _flush_logged(self) -> int:
        try:
            return await self.flush()
        except Exception:
            log.exception("analytics flush failed; records kept for the next one")
            return 0

    async def flush(self) -> int:
        """Write what is buffered; returns how many records counted (new event keys).

        On failure the records go back to the buffer and the error propagates."""
        async with self._lock:
            if not self._pending:
                return 0
            records, self._pending = self._pending, []
            now = self._clock.now().timestamp()
            chunks = [records[i : i + FLUSH_CHUNK] for i in range(0, len(records), FLUSH_CHUNK)]
            outcomes = await asyncio.gather(
                *(
                    self._db.write(
                        lambda conn, chunk=chunk, first=n == 0: _write(  # type: ignore[misc]
                            conn, chunk, now, purge=first
                        ),
                        "analytics",
                        background=True,
                    )
                    for n, chunk in enumerate(chunks)
                ),
                return_exceptions=True,
            )
            self._tell(frozenset(record.group_key for record in records))
            failed = [c for c, o in zip(chunks, outcomes, strict=True) if isinstance(o, Exception)]
            if failed:
                self._pending[:0] = [record for chunk in failed for record in chunk]
                error = next(o for o in outcomes if isinstance(o, Exception))
                raise error
            return sum(o for o in outcomes if isinstance(o, int))

    def _tell(self, groups: frozenset[str]) -> None:
        for listener in self.listeners:
            try:
                listener(groups)
            except Exception:
                log.exception("analytics flush listener failed")

    def holds(self, person: str, groups: Collection[str]) -> bool:
        """Whether a record of ``person`` in one of ``groups`` waits in the buffer (what the
        tables do not show yet)."""
        return any(r.person == person and r.group_key in groups for r in self._pending)

    @contextlib.asynccontextmanager
    async def holding(self) -> AsyncIterator[None]:
        """No flush runs inside: for forgetting a member, whose buffered records must be
        rewritten (:meth:`rewrite`) before they reach the tables the forgetting cleaned."""
        async with self._lock:
            yield

    def rewrite(self, aliases: Mapping[str, str], words: Callable[[str], str]) -> int:
        """Give the buffered records of the persons in ``aliases`` their anonymous keys and
        drop their kept texts (a forgotten member's counts stay, anonymous; their words go);
        other kept texts pass through ``words`` (which takes the member's names out). Call
        inside :meth:`holding`; returns how many records changed."""
        changed = 0
        for n, record in enumerate(self._pending):
            new = _rewritten(record, aliases, words)
            if new is not record:
                self._pending[n] = new
                changed += 1
        return changed

    async def close(self) -> None:
        """Stop the ticker and write what is left."""
        self._closed = True
        for task in (self._ticker, self._flusher):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._ticker = self._flusher = None
        await self._flush_logged()


def _rewritten(record: Record, aliases: Mapping[str, str], words: Callable[[str], str]) -> Record:
    person = aliases.get(record.person, record.person)
    if not isinstance(record, MessageRecord):
        return record if person == record.person else replace(record, person=person)
    quoted = aliases.get(record.quoted_person or "", record.quoted_person)
    text = record.text
    if text is not None:
        text = None if person != record.person else words(text)
    if (person, quoted, text) == (record.person, record.quoted_person, record.text):
        return record
    return replace(record, person=person, quoted_person=quoted, text=text)


def _write(conn: Connection, records: Sequence[Record], now: float, *, purge: bool = True) -> int:
    """Count ``records`` (one chunk); ``purge`` also forgets event keys past ``SEEN_TTL``
    (once per flush is enough)."""
    activity: dict[tuple[str, int, str], dict[str, int]] = {}
    uses: dict[tuple[str, int, str, str], int] = {}
    texts: list[dict[str, object]] = []
    counted = 0

    def bump(group_key: str, hour: int, person: str) -> dict[str, int]:
        row = activity.get((group_key, hour, person))
        if row is None:
            row = activity[(group_key, hour, person)] = dict.fromkeys(COUNTERS, 0)
        return row

    keyed = {
        r.key: {"event_key": r.key, "at": r.at}
        for r in records
        if not isinstance(r, MembershipRecord)
    }
    new_keys = insert_ignore_many(
        conn, seen_table, list(keyed.values()), ("event_key",), "event_key"
    )
    for record in records:
        if isinstance(record, MembershipRecord):
            row = {
                "event_key": record.key,
                "group_key": record.group_key,
                "person": record.person,
                "kind": record.kind,
                "at": record.at,
            }
            counted += insert_ignore(conn, membership_table, row, ("event_key",))
            continue
        if record.key not in new_keys:
            continue
        new_keys.discard(record.key)  # the same key twice in one batch counts once
        counted += 1
        hour = int(record.at // 3600)
        if isinstance(record, UseRecord):
            use_key = (record.group_key, hour, record.person, record.activity)
            uses[use_key] = uses.get(use_key, 0) + 1
            continue
        m = record.metrics
        row_counts = bump(record.group_key, hour, record.person)
        row_counts["messages"] += 1
        row_counts["chars"] += m.chars
        row_counts["links"] += m.link
        row_counts["questions"] += m.question
        row_counts["replies"] += m.reply
        row_counts["mentions"] += m.mentions
        row_counts["commands"] += record.activity is not None
        row_counts["dissent"] += m.dissent
        if record.activity is not None:
            use_key = (record.group_key, hour, record.person, record.activity)
            uses[use_key] = uses.get(use_key, 0) + 1
        if record.quoted_person is not None and record.quoted_person != record.person:
            bump(record.group_key, hour, record.quoted_person)["replies_received"] += 1
        if record.text is not None:
            texts.append(
                {
                    "event_key": record.key,
                    "group_key": record.group_key,
                    "person": record.person,
                    "at": record.at,
                    "text": record.text[:MAX_TEXT],
                }
            )
    upsert_add_rows(
        conn,
        activity_table,
        ("group_key", "hour", "person"),
        COUNTERS,
        [{"group_key": g, "hour": h, "person": p, **c} for (g, h, p), c in activity.items()],
    )
    upsert_add_rows(
        conn,
        use_table,
        ("group_key", "hour", "person", "activity"),
        ("uses",),
        [
            {"group_key": g, "hour": h, "person": p, "activity": a, "uses": n}
            for (g, h, p, a), n in uses.items()
        ],
    )
    if texts:
        conn.execute(text_table.insert(), texts)
    if purge:
        conn.execute(delete(seen_table).where(seen_table.c.at < now - SEEN_TTL))
    return counted
