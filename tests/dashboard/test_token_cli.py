"""``shequn admin token create`` prints a token that logs in, stored only as a hash."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from shequn.cli import app
from shequn.internal.dashboard import auth
from shequn.internal.dashboard.tables import tokens
from shequn.internal.storage.database import Database

runner = CliRunner()


async def _check(url: str, token: str, at: float) -> tuple[str | None, list[str]]:
    db = Database(url)
    try:
        found = await auth.check_token(db, token, at)
        digests = await db.read(lambda conn: [r.digest for r in conn.execute(select(tokens))])
    finally:
        await db.close()
    return found, digests


def test_token_create_prints_a_token_stored_hashed_with_expiry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("SHEQUN_"):
            monkeypatch.delenv(name)
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    config = tmp_path / "shequn.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    done = runner.invoke(app, ["admin", "token", "create", "--days", "2", "--config", str(config)])
    assert done.exit_code == 0, done.output
    token = done.stdout.strip().splitlines()[0]
    assert token.startswith("shq_")
    found, digests = asyncio.run(_check(url, token, time.time()))
    assert found is not None
    assert digests == [auth.digest(token)] and token not in digests
    later, _ = asyncio.run(_check(url, token, time.time() + 3 * 86400))
    assert later is None
    refused = runner.invoke(app, ["admin", "token", "create", "--days", "0", "-c", str(config)])
    assert refused.exit_code == 2
