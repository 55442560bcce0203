"""Backups while the bot writes, restore, export, forgetting a member, and ``shequn doctor``."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from plugins.privacy import plugin as privacy
from plugins.quotes import plugin as quotes
from plugins.redenvelope import plugin as redenvelope
from plugins.signin import plugin as signin
from shequn.cli import app as cli
from shequn.internal import backup as backups
from shequn.internal import export as exports
from shequn.internal.config import Settings
from shequn.internal.doctor import check_settings, check_tracked_secrets
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

runner = CliRunner()


def balanced(db: Path) -> bool:
    conn = sqlite3.connect(db)
    try:
        sums = dict(
            ((p, c), s)
            for p, c, s in conn.execute(
                "select person, community, sum(amount) from core_ledger group by 1, 2"
            )
        )
        balances = dict(((p, c), b) for p, c, b in conn.execute("select * from core_balance"))
    finally:
        conn.close()
    return {k: v for k, v in sums.items() if v} == {k: v for k, v in balances.items() if v}


async def test_backup_while_writing_then_restore(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    url = f"sqlite+aiosqlite:///{db}"
    async with Harness([signin], db) as bot:
        writes = [bot.say("/signin", user=f"m{i}") for i in range(300)]
        loop = asyncio.get_running_loop()
        copy = tmp_path / "backups" / "copy.db"
        results = await asyncio.gather(
            loop.run_in_executor(None, backups.backup, url, copy), *writes
        )
        assert results[0] == copy
    backups.check_backup(copy)  # intact, and a Shequn database
    assert balanced(copy)
    conn = sqlite3.connect(copy)
    (signed,) = conn.execute("select count(*) from signin_record").fetchone()
    conn.close()
    assert 0 <= signed <= 300
    # More happens after the backup; a restore brings the backup's state back.
    async with Harness([signin], db) as bot:
        await bot.say("/signin", user="late")
    kept = backups.restore(url, copy)
    assert kept is not None and kept.is_file()
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from signin_record").fetchone() == (signed,)
    conn.close()


def test_restore_refuses_what_is_not_a_shequn_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    for bad in (junk, other, tmp_path / "missing.db"):
        with pytest.raises(backups.BackupError):
            backups.restore(url, bad)
    assert not (tmp_path / "bot.db").exists()


def test_postgres_backup_without_pg_dump_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backups.BackupError, match="pg_dump was not found"):
        backups.backup("postgresql+asyncpg://u:pw@127.0.0.1:1/db", tmp_path / "x.dump")
    assert backups.libpq_url(backups.make_url("postgresql+asyncpg://u:pw@h/db")) == (
        "postgresql://u@h/db"
    )


async def test_export_members_points_and_quotes(make_bot: MakeBot, tmp_path: Path) -> None:
    bot: Harness = await make_bot(signin, quotes)
    await bot.say("/signin", user="=cmd|' /C calc'!A0")
    await bot.say("/signin", user="bob")
    await bot.say("Readability counts, 可读性很重要", user="bob", event_id="q1")
    await bot.say("/quote", user="carol", reply_to="q1")
    tables = await bot.app.db.read(lambda conn: exports.collect(conn, "test:group"))
    written = exports.write(tables, tmp_path / "csv", "csv")
    assert [p.name for p in written] == ["members.csv", "points.csv", "quotes.csv"]
    with (tmp_path / "csv" / "members.csv").open(encoding="utf-8-sig") as fh:
        members = {row["person"]: row for row in csv.DictReader(fh)}
    assert members["test:bob"]["balance"] == str(await bot.balance("bob"))
    # A name a spreadsheet would run as a formula is written with a leading apostrophe.
    assert members["test:=cmd|' /C calc'!A0"]["name"] == "'=cmd|' /C calc'!A0"
    exports.write(tables, tmp_path / "json", "json")
    quoted = json.loads((tmp_path / "json" / "quotes.json").read_text(encoding="utf-8"))
    assert quoted[0]["text"] == "Readability counts, 可读性很重要"
    points = json.loads((tmp_path / "json" / "points.json").read_text(encoding="utf-8"))
    everyone = [await bot.balance(u) for u in ("bob", "=cmd|' /C calc'!A0", "carol")]
    assert sum(p["amount"] for p in points) == sum(everyone) >= 20


async def test_forgetting_a_member_keeps_the_books(make_bot: MakeBot) -> None:
    bot: Harness = await make_bot(signin, quotes, redenvelope, privacy, superusers=["test:root"])
    await bot.say("/signin", user="bob")
    await bot.say("/signin", user="carol")
    await bot.say("/hongbao 6 2 hi", user="bob")
    await bot.say("/grab", user="carol")
    await bot.say("Bob's own words", user="bob", event_id="b1")
    await bot.say("/quote", user="carol", reply_to="b1")
    carol = await bot.balance("carol")
    asked = await bot.say("/forget @bob", user="root")
    assert "confirm" in asked
    refused = await bot.say("/forget @bob confirm", user="carol")
    assert "superuser" in refused and await bot.balance("bob") > 0
    done = await bot.say("/forget @bob confirm", user="root")
    assert "Forgot test:bob" in done, done
    assert await bot.balance("carol") == carol and await bot.balance("bob") == 0

    def leftovers(conn: object) -> list[str]:
        found = []
        for name in inspect(conn).get_table_names():  # type: ignore[arg-type]
            for col in inspect(conn).get_columns(name):  # type: ignore[arg-type]
                if "CHAR" in str(col["type"]).upper() or "TEXT" in str(col["type"]).upper():
                    hit = conn.execute(  # type: ignore[attr-defined]
                        text(f'select 1 from "{name}" where "{col["name"]}" = :k'),
                        {"k": "test:bob"},
                    ).first()
                    if hit:
                        found.append(f"{name}.{col['name']}")
        return found

    assert await bot.app.db.read(leftovers) == []
    sums = await bot.app.db.read(
        lambda c: c.execute(
            text("select person, community, sum(amount) from core_ledger group by 1, 2")
        ).all()
    )
    balances = await bot.app.db.read(lambda c: c.execute(text("select * from core_balance")).all())
    assert {(p, c): s for p, c, s in sums if s} == {(p, c): b for p, c, b in balances if b}
    assert "#1" not in await bot.say("/quote search words")  # their words went too
    assert "Nothing is known" in await bot.say("/forget @nobody confirm", user="root")


def test_doctor_finds_insecure_settings() -> None:
    settings = Settings(
        qq={"access_token": "", "access_token_required": False},
        telegram={"token": "", "mode": "webhook", "webhook_url": "http://x"},
        web={"host": "0.0.0.0", "dashboard": True},
    )
    problems = [f.text for f in check_settings(settings) if f.problem]
    assert any("qq: empty access_token" in p for p in problems)
    assert any("telegram: no token" in p for p in problems)
    assert any("webhook_secret" in p for p in problems)
    assert any("cookie_secure" in p for p in problems)
    assert not [f for f in check_settings(Settings(superusers=["qq:1"])) if f.problem]


def test_doctor_finds_a_token_in_a_tracked_file(tmp_path: Path) -> None:
    config = tmp_path / "shequn.toml"
    config.write_text('[telegram]\ntoken = "123:abc"\n# webhook_secret = "x"\n', encoding="utf-8")
    assert check_tracked_secrets(config) == []  # not in git: fine
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "shequn.toml"], cwd=tmp_path, check=True)
    (finding,) = check_tracked_secrets(config)
    assert finding.problem and "line 2" in finding.text and "123:abc" not in finding.text


def test_doctor_command_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in __import__("os").environ if k.startswith("SHEQUN_")]:
        monkeypatch.delenv(key)
    good = tmp_path / "good.toml"
    good.write_text(
        f'superusers = ["qq:1"]\n[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "b.db"}"\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["doctor", "--config", str(good)])
    assert result.exit_code == 0, result.output
    assert "database" in result.output and "reachable" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[database]\nurl = "postgresql+asyncpg://u:hidden-pw@127.0.0.1:1/db"\n'
        '[telegram]\ntoken = "1:x"\napi_base = "http://127.0.0.1:1"\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["doctor", "--config", str(bad)])
    assert result.exit_code == 1, result.output
    assert "unreachable" in result.output and "hidden-pw" not in result.output
    assert "telegram Bot API at http://127.0.0.1:1: unreachable" in result.output


def test_cli_backup_export_forget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "bot.db"
    monkeypatch.setenv("SHEQUN_DATABASE__URL", f"sqlite+aiosqlite:///{db}")

    async def seed() -> None:
        async with Harness([signin], db) as bot:
            await bot.say("/signin", user="bob")

    asyncio.run(seed())
    assert runner.invoke(cli, ["backup", str(tmp_path / "b.db")]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(cli, ["export", "test:group", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0 and (out / "members.json").is_file(), result.output
    assert runner.invoke(cli, ["forget", "test:bob"]).exit_code == 1  # asks for --yes
    result = runner.invoke(cli, ["forget", "test:bob", "--yes"])
    assert result.exit_code == 0 and "Forgot test:bob" in result.output
    assert runner.invoke(cli, ["forget", "test:nobody", "--yes"]).exit_code == 1
    assert balanced(db)
    result = runner.invoke(cli, ["restore", str(tmp_path / "b.db"), "--yes"])
    assert result.exit_code == 0, result.output
