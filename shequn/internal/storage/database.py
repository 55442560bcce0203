"""Database access: a group-commit writer for the hot path, async sessions for the rest.

Why two paths: measured on a 2-core machine, one sign-in per transaction through SQLAlchemy's
async mode over aiosqlite reaches ~720/s, while plain sqlite3 with many writes per transaction
passes 100,000/s. So exactly-once writes (ledger, sign-ins, schedules) are small synchronous
functions that :meth:`Database.write` batches into one transaction, each caller still getting
its own result. On SQLite they run in one writer thread over the stdlib driver; on PostgreSQL
through the async engine (asyncpg) with ``run_sync``. The same function works on both.

Plugins that want the ORM use :meth:`Database.session` (SQLModel ``AsyncSession`` over
aiosqlite or asyncpg).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger("shequn.db")

T = TypeVar("T")
WriteFn = Callable[[Connection], T]


@dataclass
class _Pending:
    fn: Callable[[Connection], Any]
    future: asyncio.Future[Any]
    label: str = field(default="")
    queued_at: float = field(default_factory=time.monotonic)


def _sqlite_path(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


class Database:
    """Engines for one database URL, and the group-commit writer."""

    def __init__(
        self,
        url: str,
        *,
        batch_size: int = 256,
        echo: bool = False,
        parallel_batches: int = 4,
    ) -> None:
        self.url = make_url(url)
        self.batch_size = batch_size
        self.dialect = self.url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {self.url.render_as_string(True)!r}")
        self._pending: list[_Pending] = []
        self._background: list[_Pending] = []
        self._wake = asyncio.Event()
        self._writer_task: asyncio.Task[None] | None = None
        self._closed = False
        self._thread: ThreadPoolExecutor | None = None
        self._reader: ThreadPoolExecutor | None = None
        self._sync: Engine | None = None
        self._sync_reader: Engine | None = None
        self._checkpointer: _Checkpointer | None = None
        if self.dialect == "sqlite":
            path = _sqlite_path(self.url)
            if path is None:
                raise ValueError("SQLite needs a file (WAL mode and several processes need one)")
            path.parent.mkdir(parents=True, exist_ok=True)
            sync_url = self.url.set(drivername="sqlite")
            self._sync = create_engine(sync_url, echo=echo, pool_size=1, max_overflow=1)
            _configure_sqlite(self._sync, immediate=True)
            self._sync_reader = create_engine(sync_url, echo=echo, pool_size=2, max_overflow=2)
            _configure_sqlite(self._sync_reader, immediate=False)
            self.engine: AsyncEngine = create_async_engine(self.url, echo=echo)
            _configure_sqlite(self.engine.sync_engine, immediate=False)
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="shequn-db-writer")
            self._reader = ThreadPoolExecutor(2, thread_name_prefix="shequn-db-reader")
            self._checkpointer = _Checkpointer(path)
        else:
            self.engine = create_async_engine(self.url, echo=echo, pool_size=10)
        # SQLite has one writer; PostgreSQL commits several batches at once (row locks keep
        # them apart), so one slow batch, or one round trip per statement, never holds the rest.
        self._parallel = 1 if self._sync is not None else max(1, parallel_batches)
        self._committing: set[asyncio.Task[None]] = set()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer task on the running loop."""
        if self._writer_task is None:
            self._wake = asyncio.Event()
            self._writer_task = asyncio.create_task(self._writer_loop(), name="shequn-db-writer")

    async def close(self) -> None:
        self._closed = True
        self._wake.set()
        if self._writer_task is not None:
            await self._writer_task
            self._writer_task = None
        await self.engine.dispose()
        for engine in (self._sync, self._sync_reader):
            if engine is not None:
                engine.dispose()
        for pool in (self._thread, self._reader):
            if pool is not None:
                pool.shutdown(wait=True)
        if self._checkpointer is not None:
            self._checkpointer.close()

    # -- access ----------------------------------------------------------------------------

    def session(self) -> AsyncSession:
        """An ORM session (SQLModel) for plugin code that is not on the hot path."""
        return AsyncSession(self.engine, expire_on_commit=False)

    async def write(
        self, fn: Callable[[Connection], T], label: str = "", *, background: bool = False
    ) -> T:
        """Run ``fn`` in a transaction shared with other concurrent writes; return its result.

        ``fn`` must only touch the database through the connection (it may be run a second
        time, alone, if another function of the same batch fails).

        ``background`` writes (bulk bookkeeping such as analytics) never delay the others
        much: each batch takes every waiting ordinary write and one background write (more
        once they fall behind, see :func:`_background_share`), so a member's sign-in waits
        behind one small chunk, not behind thousands of records.
        """
        if self._closed:
            raise RuntimeError("database is closed")
        if self._writer_task is None:
            self.start()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        queue = self._background if background else self._pending
        queue.append(_Pending(fn, future, label))
        self._wake.set()
        return await future

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` with a connection for reading (off the event loop on SQLite)."""
        if self._sync_reader is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._reader, _run_read, self._sync_reader, fn)
        async with self.engine.connect() as conn:
            return await conn.run_sync(fn)

    async def run_sync_admin(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in its own transaction outside the batcher (migrations, maintenance)."""
        if self._sync is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, _run_one, self._sync, fn)
        async with self.engine.begin() as conn:
            return await conn.run_sync(fn)

    # -- group commit ----------------------------------------------------------------------

    async def _writer_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending or self._background:
                if len(self._committing) >= self._parallel:
                    await asyncio.wait(self._committing, return_when=asyncio.FIRST_COMPLETED)
                    continue
                batch = self._pending[: self.batch_size]
                del self._pending[: self.batch_size]
                extra = _background_share(self._background)
                batch.extend(self._background[:extra])
                del self._background[:extra]
                if self._parallel == 1:
                    await self._commit(batch)
                    if self._checkpointer is not None:
                        self._checkpointer.after_commit()
                else:
                    task = asyncio.create_task(self._commit(batch))
                    self._committing.add(task)
                    task.add_done_callback(self._committed)
            if self._closed and not self._pending and not self._background:
                if self._committing:
                    await asyncio.wait(self._committing)
                return

    def _committed(self, task: asyncio.Task[None]) -> None:
        self._committing.discard(task)
        self._wake.set()  # writes that queued while every slot was busy

    async def _commit(self, batch: list[_Pending]) -> None:
        try:
            results = await self._run_batch([p.fn for p in batch])
        except Exception:
            # One function failed and the shared transaction rolled back: give each function
            # its own transaction so only the faulty one fails.
            log.debug("batch of %d writes failed, retrying one by one", len(batch), exc_info=True)
            for pending in batch:
                try:
                    (result,) = await self._run_batch([pending.fn])
                except Exception as exc:
                    _settle(pending.future, error=exc)
                else:
                    _settle(pending.future, result)
            return
        for pending, result in zip(batch, results, strict=True):
            _settle(pending.future, result)

    async def _run_batch(self, fns: list[Callable[[Connection], Any]]) -> list[Any]:
        if self._sync is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, _run_many, self._sync, fns)
        async with self.engine.begin() as conn:
            return await conn.run_sync(_call_all, fns)


BACKLOG_SECONDS = 1.0
"""A background write waiting longer than this means they are falling behind."""


def _background_share(waiting: list[_Pending]) -> int:
    """Background writes a batch takes: one, or a quarter of them once the oldest has waited
    ``BACKLOG_SECONDS`` (a backlog must shrink even while ordinary writes keep the writer
    busy; a fresh burst, such as one analytics flush, goes one per batch)."""
    if not waiting:
        return 0
    if time.monotonic() - waiting[0].queued_at < BACKLOG_SECONDS:
        return 1
    return max(1, len(waiting) // 4)


def _settle(
    future: asyncio.Future[Any], result: Any = None, error: Exception | None = None
) -> None:
    if future.done():  # the caller was cancelled; the write itself stands
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _call_all(conn: Connection, fns: list[Callable[[Connection], Any]]) -> list[Any]:
    return [fn(conn) for fn in fns]


def _run_many(engine: Engine, fns: list[Callable[[Connection], Any]]) -> list[Any]:
    with engine.begin() as conn:
        return _call_all(conn, fns)


def _run_one(engine: Engine, fn: Callable[[Connection], T]) -> T:
    with engine.begin() as conn:
        return fn(conn)


def _run_read(engine: Engine, fn: Callable[[Connection], T]) -> T:
    with engine.connect() as conn:
        return fn(conn)


CHECKPOINT_SECONDS = 1.0
"""Least time between two background checkpoints of the SQLite write-ahead log."""


class _Checkpointer:
    """Copies the SQLite write-ahead log into the database file in its own thread.

    Why: with SQLite's automatic checkpoints, the commit that crosses the threshold copies
    and syncs the log itself, and every write waiting behind it waits for the disk (the
    sign-in p99 showed it). The writer's automatic checkpoints are off; this runs a PASSIVE
    checkpoint (never blocks the writer or readers) at most once a second after commits.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="shequn-db-checkpoint")
        self._conn: sqlite3.Connection | None = None
        self._busy = False
        self._last = 0.0

    def after_commit(self) -> None:
        now = time.monotonic()
        if self._busy or now - self._last < CHECKPOINT_SECONDS:
            return
        self._busy = True
        self._last = now
        self._pool.submit(self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self._path, isolation_level=None, timeout=15)
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            log.warning("background checkpoint of %s failed", self._path, exc_info=True)
        finally:
            self._busy = False

    def close(self) -> None:
        def finish() -> None:
            if self._conn is not None:
                self._conn.close()

        self._pool.submit(finish)
        self._pool.shutdown(wait=True)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    """WAL, a busy timeout, and (for the writer) ``BEGIN IMMEDIATE`` so that two processes
    writing the same file wait for each other instead of failing on a lock upgrade."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        if immediate:  # the writer leaves checkpoints to the background (see _Checkpointer)
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
