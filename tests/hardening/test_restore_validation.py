"""``shequn restore`` takes only what the bot itself creates: a backup carrying a trigger, a
view, an extra table or index, a changed table, or balances that are not the sum of their
postings is refused with the list, and the live database is left as it was."""

from __future__ import annotations

import asyncio
import os
import secrets
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from plugins.quotes import plugin as quotes
from plugins.signin import plugin as signin
from shequn.cli import app as cli
from shequn.testing import Harness
from shequn.testing.databases import TestDatabases

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bot database with two members' points, and a backup of it in ``backup.db``."""
    for name in list(os.environ):
        if name.startswith("SHEQUN_"):
            monkeypatch.delenv(name)
    db = tmp_path / "live.db"
    monkeypatch.setenv("SHEQUN_DATABASE__URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.chdir(ROOT)  # plugins are found in ./plugins, as the bot finds them

    async def seed() -> None:
        async with Harness([signin, quotes], db) as bot:  # quotes adds its search triggers
            await bot.say("/signin", user="alice")
            await bot.say("/signin", user="mallory")

    asyncio.run(seed())
    result = runner.invoke(cli, ["backup", str(tmp_path / "backup.db")])
    assert result.exit_code == 0, result.output
    return db


def tamper(backup: Path, *statements: str) -> None:
    conn = sqlite3.connect(backup)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def restore(backup: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["restore", str(backup), "--yes"])
    return result.exit_code, result.output


def objects(db: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return {(t, n) for t, n in conn.execute("select type, name from sqlite_master")}
    finally:
        conn.close()


def balances(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("select person, balance from core_balance").fetchall())
    finally:
        conn.close()


def test_a_backup_with_a_trigger_paying_another_member_is_refused(live: Path) -> None:
    backup = live.with_name("backup.db")
    tamper(
        backup,
        "CREATE TRIGGER core_ledger_skim AFTER INSERT ON core_ledger BEGIN "
        "UPDATE core_balance SET balance = balance + 1 WHERE person = 'test:mallory'; END",
    )
    before = objects(live), balances(live), live.read_bytes()
    code, output = restore(backup)
    assert code == 1, output
    assert "schema objects Shequn does not create" in output
    assert "trigger core_ledger_skim" in output
    assert (objects(live), balances(live), live.read_bytes()) == before
    assert ("trigger", "core_ledger_skim") not in objects(live)
    assert not live.with_name("live.db.before-restore").exists()


def test_extra_tables_views_and_indexes_and_changed_tables_are_listed(live: Path) -> None:
    backup = live.with_name("backup.db")
    tamper(
        backup,
        "CREATE TABLE stash (x)",
        "CREATE VIEW core_balance_view AS SELECT * FROM core_balance",
        "CREATE INDEX ix_sneaky ON core_ledger (reason)",
        "ALTER TABLE core_balance ADD COLUMN bonus INTEGER",
        "DROP TRIGGER quotes_fts_insert",
        "CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes_quote BEGIN "
        "DELETE FROM core_ledger; END",
    )
    before = live.read_bytes()
    code, output = restore(backup)
    assert code == 1, output
    listed = output.split("were plugins removed?): ", 1)[1]
    for item in (
        "table stash",
        "view core_balance_view",
        "index ix_sneaky",
        "table core_balance (changed)",
        "trigger quotes_fts_insert (changed)",
    ):
        assert item in listed, output
    assert "quotes_fts_delete" not in listed  # the bot's own triggers are fine
    assert live.read_bytes() == before


def test_a_backup_whose_balances_were_edited_is_refused(live: Path) -> None:
    backup = live.with_name("backup.db")
    tamper(backup, "UPDATE core_balance SET balance = balance + 1000 WHERE person = 'test:mallory'")
    before = balances(live)
    code, output = restore(backup)
    assert code == 1, output
    assert "1 balance(s) that are not the sum of their postings" in output
    assert "test:mallory in test:group: balance " in output
    assert balances(live) == before


def test_a_clean_backup_restores(live: Path) -> None:
    backup = live.with_name("backup.db")
    expected = balances(backup)

    async def later() -> None:
        async with Harness([signin, quotes], live) as bot:
            await bot.say("/signin", user="late")

    asyncio.run(later())
    assert balances(live) != expected
    code, output = restore(backup)
    assert code == 0, output
    assert balances(live) == expected
    assert ("trigger", "quotes_fts_insert") in objects(live)


# -- PostgreSQL: the dump is restored into a scratch database and checked there -------------


@pytest.fixture
def postgres(test_databases: TestDatabases, monkeypatch: pytest.MonkeyPatch) -> TestDatabases:
    """The PostgreSQL run's databases (``--shequn-db=postgres``); the SQLite run skips."""
    if test_databases.backend != "postgres":
        pytest.skip("PostgreSQL only: run with --shequn-db=postgres")
    for name in list(os.environ):
        if name.startswith("SHEQUN_") and not name.startswith("SHEQUN_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT)
    return test_databases


async def seeded(databases: TestDatabases, name: str) -> str:
    """A bot database where alice and mallory signed in once (``name`` may be a URL)."""
    url = name if "://" in name else await databases.url(name)
    async with Harness([signin, quotes], url) as bot:
        await bot.say("/signin", user="alice")
        await bot.say("/signin", user="mallory")
    return url


async def sql(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run ``statements``; the rows of the last one."""
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        rows = []
        for statement in statements:
            rows = await conn.fetch(statement)
        return [tuple(row) for row in rows]
    finally:
        await conn.close()


def cli_on(url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), env={"SHEQUN_DATABASE__URL": url})
    return result.exit_code, result.output


async def pg_backup(url: str, folder: Path, *tampering: str) -> Path:
    """``shequn backup`` of the database at ``url`` after running ``tampering`` on it."""
    if tampering:
        await sql(url, *tampering)
    target = folder / f"backup-{secrets.token_hex(3)}.dump"
    code, output = cli_on(url, "backup", str(target))
    assert code == 0, output
    return target


async def pg_state(url: str) -> tuple[list[tuple[Any, ...]], ...]:
    """What a restore must not have changed: the user-made objects and the balances."""
    objects = await sql(
        url,
        "SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal"
        " UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE oid >= 16384"
        " UNION ALL SELECT relkind::text || ' ' || relname FROM pg_class WHERE oid >= 16384"
        " UNION ALL SELECT 'schema ' || nspname FROM pg_namespace ORDER BY 1",
    )
    return objects, await pg_balances(url)


async def pg_balances(url: str) -> list[tuple[Any, ...]]:
    return await sql(url, "SELECT person, balance FROM core_balance ORDER BY person")


async def scratch_databases(url: str) -> set[str]:
    rows = await sql(url, "SELECT datname FROM pg_database WHERE datname LIKE 'shequn_check_%'")
    return {name for (name,) in rows}


SKIM = (
    "CREATE FUNCTION skim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " UPDATE core_balance SET balance = balance + 1 WHERE person = 'test:mallory';"
    " RETURN NEW; END $$",
    "CREATE TRIGGER core_ledger_skim AFTER INSERT ON core_ledger"
    " FOR EACH ROW EXECUTE FUNCTION skim()",
)


async def test_postgres_a_dump_with_a_trigger_paying_another_member_is_refused(
    postgres: TestDatabases, tmp_path: Path
) -> None:
    backup = await pg_backup(await seeded(postgres, "source"), tmp_path, *SKIM)
    live = await seeded(postgres, "live")
    before, scratch = await pg_state(live), await scratch_databases(live)
    code, output = cli_on(live, "restore", str(backup), "--yes")
    assert code == 1, output
    listed = output.split("were plugins removed?): ", 1)[1]
    assert "trigger core_ledger_skim on public.core_ledger" in listed, output
    assert "function public.skim()" in listed, output
    assert await pg_state(live) == before
    assert await scratch_databases(live) == scratch  # both scratch databases dropped
    async with Harness([signin, quotes], live) as bot:  # nothing skims the live books
        await bot.say("/signin", user="bob")
    assert dict(await pg_balances(live))["test:mallory"] == 10


async def test_postgres_extra_tables_views_indexes_and_schemas_are_listed(
    postgres: TestDatabases, tmp_path: Path
) -> None:
    backup = await pg_backup(
        await seeded(postgres, "source"),
        tmp_path,
        "CREATE TABLE stash (x integer)",
        "CREATE VIEW core_balance_view AS SELECT * FROM core_balance",
        "CREATE INDEX ix_sneaky ON core_ledger (reason)",
        "ALTER TABLE core_balance DROP CONSTRAINT ck_core_balance_non_negative",
        "CREATE SCHEMA postgres",  # first on the default search path of role postgres
        "CREATE TABLE postgres.core_balance (person text, community text, balance bigint)",
    )
    live = await seeded(postgres, "live")
    before = await pg_state(live)
    code, output = cli_on(live, "restore", str(backup), "--yes")
    assert code == 1, output
    listed = output.split("were plugins removed?): ", 1)[1].strip().split(", ")
    for item in (
        "table public.stash",
        "view public.core_balance_view",
        "index public.ix_sneaky",
        "table public.core_balance (changed)",
        "schema postgres",
        "table postgres.core_balance",
    ):
        assert item in listed, output
    assert not [i for i in listed if "trgm" in i or "quotes" in i]  # the bot's own are fine
    assert await pg_state(live) == before


async def test_postgres_a_dump_whose_balances_were_edited_is_refused(
    postgres: TestDatabases, tmp_path: Path
) -> None:
    backup = await pg_backup(
        await seeded(postgres, "source"),
        tmp_path,
        "UPDATE core_balance SET balance = balance + 1000 WHERE person = 'test:mallory'",
    )
    live = await seeded(postgres, "live")
    before = await pg_state(live)
    code, output = cli_on(live, "restore", str(backup), "--yes")
    assert code == 1, output
    assert "1 balance(s) that are not the sum of their postings" in output
    assert "test:mallory in test:group: balance 1010, postings sum to 10" in output
    assert await pg_state(live) == before


@asynccontextmanager
async def owner(url: str, *, createdb: bool) -> AsyncIterator[str]:
    """The URL of the database at ``url`` as a new role owning it, not a superuser, as a
    deployment would run; the role is dropped afterwards."""
    role, password = f"shequn_test_{secrets.token_hex(4)}", secrets.token_hex(8)
    database = make_url(url).database
    await sql(
        url,
        f"CREATE ROLE {role} LOGIN {'' if createdb else 'NO'}CREATEDB PASSWORD '{password}'",
        f'ALTER DATABASE "{database}" OWNER TO {role}',
    )
    try:
        yield make_url(url).set(username=role, password=password).render_as_string(False)
    finally:
        await sql(url, f"REASSIGN OWNED BY {role} TO CURRENT_USER", f"DROP ROLE {role}")


async def test_postgres_a_clean_dump_restores(postgres: TestDatabases, tmp_path: Path) -> None:
    async with owner(await postgres.url("live"), createdb=True) as live:
        await seeded(postgres, live)  # the tables are the role's, as the restore will make them
        backup = await pg_backup(live, tmp_path)
        expected = await pg_balances(live)
        async with Harness([signin, quotes], live) as bot:
            await bot.say("/signin", user="late")
        assert await pg_balances(live) != expected
        scratch = await scratch_databases(live)
        code, output = cli_on(live, "restore", str(backup), "--yes")
        assert code == 0, output
        assert await pg_balances(live) == expected
        assert await scratch_databases(live) == scratch


async def test_postgres_restore_says_so_when_the_role_may_not_create_databases(
    postgres: TestDatabases, tmp_path: Path
) -> None:
    live = await seeded(postgres, "live")
    backup = await pg_backup(live, tmp_path)
    before = await pg_state(live)
    async with owner(live, createdb=False) as as_owner:
        code, output = cli_on(as_owner, "restore", str(backup), "--yes")
        role = make_url(as_owner).username
    assert code == 1, output
    assert f"the database role {role} may not create databases" in output
    assert f"ALTER ROLE {role} CREATEDB" in output
    assert await pg_state(live) == before


async def test_postgres_a_file_that_is_not_a_dump_is_refused(
    postgres: TestDatabases, tmp_path: Path
) -> None:
    live = await seeded(postgres, "live")
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump at all" * 100)
    before, scratch = await pg_state(live), await scratch_databases(live)
    code, output = cli_on(live, "restore", str(junk), "--yes")
    assert code == 1, output
    assert "could not be restored to be checked" in output
    assert await pg_state(live) == before
    assert await scratch_databases(live) == scratch
