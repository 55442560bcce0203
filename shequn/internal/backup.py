"""Backups a running bot can be left alone for: SQLite's online backup, ``pg_dump`` for
PostgreSQL.

The SQLite backup API copies a consistent snapshot page by page while other connections keep
writing (WAL mode), so ``shequn backup`` never stops the bot. A restore replaces the whole
database, so it wants the bot stopped; the database it replaces is kept next to it first.
A backup is restored only when it holds nothing but the schema the bot creates and every
balance is the sum of its postings (:mod:`shequn.internal.backup_check`); a PostgreSQL dump
is checked in a scratch database first, so a refused one never reaches the live database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from shequn.internal import backup_check, backup_check_pg
from shequn.internal.config import Settings

REQUIRED_TABLES = ("core_ledger", "core_balance")
"""A file without these is not a Shequn database: refused as a restore source."""


class BackupError(Exception):
    """Something the operator must fix; shown as one line."""


def default_target(url: URL, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = ".db" if url.get_backend_name() == "sqlite" else ".dump"
    return Path("backups") / f"shequn-{stamp}{suffix}"


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("the SQLite database has no file to back up")
    return Path(url.database)


def backup(database_url: str, target: Path | None = None) -> Path:
    """Write a consistent copy of the database to ``target``; return where it went."""
    url = make_url(database_url)
    target = target or default_target(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        backup_sqlite(sqlite_path(url), target)
    else:
        _pg_dump(url, target)
    return target


def backup_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=1024)  # in steps: writers get the lock between them
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)


def restore(database_url: str, source: Path, settings: Settings | None = None) -> Path | None:
    """Replace the database with ``source``; return where the replaced one was kept.

    ``settings`` say which plugins' schema a backup may hold (default: read from the
    environment, as the bot does); nothing is touched when the backup is refused."""
    url = make_url(database_url)
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    settings = settings or Settings(database={"url": database_url})
    if url.get_backend_name() != "sqlite":
        check_dump(url, source, settings)
        _pg_restore(url, source)
        return None
    check_backup(source)
    check_contents(source, settings)
    target = sqlite_path(url)
    kept: Path | None = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore")
        backup_sqlite(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # overwrites in place, under the database's own lock
    finally:
        dst.close()
        src.close()
    return kept


def check_backup(path: Path) -> None:
    """Refuse files that are not an intact Shequn SQLite database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from None
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BackupError(f"{path} is not a Shequn database (no {', '.join(missing)})")


def check_contents(path: Path, settings: Settings) -> None:
    """Refuse a SQLite backup with schema objects the bot does not create (triggers, views,
    tables, indexes, listed) or with a balance that is not the sum of its postings."""
    reference = backup_check.reference_schema(settings)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        wrong = backup_check.unexpected_objects(backup_check.schema_of(conn), reference)
        _refuse_objects(path, wrong)
        books = backup_check.unbalanced(conn.execute(backup_check.UNBALANCED).fetchall())
    finally:
        conn.close()
    _refuse_balances(path, books)


def _refuse_objects(path: Path, wrong: list[str]) -> None:
    if wrong:
        raise BackupError(
            f"{path} holds schema objects Shequn does not create, so it was not restored "
            f"(were plugins removed?): {', '.join(wrong)}"
        )


def _refuse_balances(path: Path, books: tuple[int, list[str]]) -> None:
    count, shown = books
    if count:
        more = f"; and {count - len(shown)} more" if count > len(shown) else ""
        raise BackupError(
            f"{path} has {count} balance(s) that are not the sum of their postings, so it "
            f"was not restored: {'; '.join(shown)}{more}"
        )


# -- PostgreSQL ----------------------------------------------------------------------------


def libpq_url(url: URL) -> str:
    """The URL as ``pg_dump`` reads it (no ``+asyncpg`` driver part, no password: that goes
    in ``PGPASSWORD``, out of the process list)."""
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)


def _env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools "
            "(e.g. apt install postgresql-client) of the server's major version"
        )
    return found


def _run(command: list[str], url: URL) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600, env=_env(url))
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"{command[0]} failed: {error}") from None
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[:500]}")


def _pg_dump(url: URL, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    _run(
        [_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={libpq_url(url)}"],
        url,
    )
    os.replace(partial, target)


def check_dump(url: URL, source: Path, settings: Settings) -> None:
    """Refuse a ``pg_dump`` backup as :func:`check_contents` does, after restoring it into a
    scratch database on the live server (the live database is not touched)."""
    pg_restore = _tool("pg_restore")

    def restore_into(scratch: URL) -> None:
        try:
            _run([pg_restore, *_RESTORE, f"--dbname={libpq_url(scratch)}", str(source)], scratch)
        except BackupError as error:
            raise BackupError(f"{source} could not be restored to be checked: {error}") from None

    try:
        wrong, books = backup_check_pg.check(url, settings, restore_into, REQUIRED_TABLES)
    except backup_check_pg.Refused as error:
        raise BackupError(f"{source} was not restored: {error}") from None
    _refuse_objects(source, wrong)
    _refuse_balances(source, books)


_RESTORE = ("--no-owner", "--exit-on-error", "--single-transaction")
"""All of the dump or nothing, objects owned by the role restoring."""


def _pg_restore(url: URL, source: Path) -> None:
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            *_RESTORE,
            f"--dbname={libpq_url(url)}",
            str(source),
        ],
        url,
    )
