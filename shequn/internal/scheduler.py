"""Persisted jobs that run once when due, including jobs that fell due while the bot was down.

A job row moves ``pending -> running -> done`` by conditional updates, so two workers (or a
restart racing a still-running loop) cannot both claim it. A claim holds a lease; a worker
that dies mid-job leaves a lapsed lease and the job is claimed again, so job handlers make
their effects idempotent with ledger keys and state transitions, as every plugin must anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from shequn.internal.clock import Clock
from shequn.internal.models import ScheduledJob
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import insert_ignore

log = logging.getLogger("shequn.scheduler")

_job = ScheduledJob.__table__  # type: ignore[attr-defined]

LEASE_SECONDS = 300.0
MAX_ATTEMPTS = 3
RETRY_DELAY = 60.0
IDLE_POLL = 30.0
"""Longest sleep between looks at the table (jobs added by another worker are seen then)."""


@dataclass(frozen=True, slots=True)
class DueJob:
    id: int
    key: str
    plugin: str
    job: str
    due_at: float
    payload: dict[str, Any]
    attempts: int


Runner = Callable[[DueJob], Awaitable[None]]


class Scheduler:
    def __init__(self, db: Database, clock: Clock, runner: Runner) -> None:
        self._db = db
        self._clock = clock
        self._runner = runner
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    async def schedule(
        self,
        plugin: str,
        job: str,
        at: datetime,
        payload: dict[str, Any],
        *,
        key: str | None = None,
    ) -> bool:
        """Persist a job; with ``key``, a second schedule of the same key is ignored."""
        due = at.timestamp()
        row = {
            "key": key
            or f"{plugin}:{job}:{due}:{json.dumps(payload, sort_keys=True, default=str)}",
            "plugin": plugin,
            "job": job,
            "due_at": due,
            "payload": json.dumps(payload, ensure_ascii=False, default=str),
            "status": "pending",
            "lease_until": 0.0,
            "attempts": 0,
        }
        inserted = await self._db.write(lambda conn: insert_ignore(conn, _job, row, ("key",)))
        self._wake.set()
        return inserted

    async def cancel(self, key: str) -> bool:
        def write(conn: Connection) -> bool:
            result = conn.execute(
                update(_job)
                .where(_job.c.key == key, _job.c.status == "pending")
                .values(status="cancelled")
            )
            return result.rowcount == 1

        return await self._db.write(write)

    async def pending(self, plugin: str | None = None) -> list[DueJob]:
        def read(conn: Connection) -> list[DueJob]:
            query = select(_job).where(_job.c.status == "pending").order_by(_job.c.due_at)
            if plugin is not None:
                query = query.where(_job.c.plugin == plugin)
            return [_due(r) for r in conn.execute(query)]

        return await self._db.read(read)

    async def run_due(self) -> int:
        """Claim and run every job due now; return how many ran. Serialised per process."""
        ran = 0
        async with self._lock:
            while True:
                claimed = await self._claim(self._clock.now().timestamp())
                if not claimed:
                    return ran
                for job in claimed:
                    await self._run(job)
                    ran += 1

    async def run_forever(self) -> None:
        while True:
            await self.run_due()
            delay = await self._seconds_to_next()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _seconds_to_next(self) -> float:
        def read(conn: Connection) -> float | None:
            return conn.execute(
                select(_job.c.due_at)
                .where(_job.c.status == "pending")
                .order_by(_job.c.due_at)
                .limit(1)
            ).scalar_one_or_none()

        nxt = await self._db.read(read)
        if nxt is None:
            return IDLE_POLL
        return max(0.0, min(IDLE_POLL, nxt - self._clock.now().timestamp()))

    async def _claim(self, now: float, limit: int = 50) -> list[DueJob]:
        def write(conn: Connection) -> list[DueJob]:
            candidates = list(
                conn.execute(
                    select(_job)
                    .where(
                        _job.c.due_at <= now,
                        (_job.c.status == "pending")
                        | ((_job.c.status == "running") & (_job.c.lease_until < now)),
                    )
                    .order_by(_job.c.due_at, _job.c.id)
                    .limit(limit)
                )
            )
            claimed: list[DueJob] = []
            for row in candidates:
                won = conn.execute(
                    update(_job)
                    .where(
                        _job.c.id == row.id,
                        _job.c.status == row.status,
                        _job.c.lease_until == row.lease_until,
                    )
                    .values(
                        status="running",
                        lease_until=now + LEASE_SECONDS,
                        attempts=_job.c.attempts + 1,
                    )
                ).rowcount
                if won == 1:
                    claimed.append(_due(row))
            return claimed

        return await self._db.write(write)

    async def _run(self, job: DueJob) -> None:
        try:
            await self._runner(job)
        except Exception as exc:
            log.exception(
                "job %s of plugin %s failed (attempt %d)", job.job, job.plugin, job.attempts + 1
            )
            retry = job.attempts + 1 < MAX_ATTEMPTS
            await self._finish(job, "pending" if retry else "failed", repr(exc)[:2000], retry)
        else:
            await self._finish(job, "done", None, False)

    async def _finish(self, job: DueJob, status: str, error: str | None, retry: bool) -> None:
        now = self._clock.now().timestamp()
        values: dict[str, Any] = {"status": status, "error": error, "lease_until": 0.0}
        if retry:
            values["due_at"] = now + RETRY_DELAY
        else:
            values["finished_at"] = now

        def write(conn: Connection) -> None:
            conn.execute(
                update(_job).where(_job.c.id == job.id, _job.c.status == "running").values(**values)
            )

        await self._db.write(write)


def _due(row: Any) -> DueJob:
    return DueJob(
        id=int(row.id),
        key=str(row.key),
        plugin=str(row.plugin),
        job=str(row.job),
        due_at=float(row.due_at),
        payload=json.loads(row.payload or "{}"),
        attempts=int(row.attempts),
    )
