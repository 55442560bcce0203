"""Three ``python bot.py`` workers on one PostgreSQL database, each connected (QQ forward
mode) to a fake OneBot v11 implementation that delivers every event to two of them.

Checks the database afterwards: one sign-in reward per member, one draw of the lottery, one
prize per winner; and the implementation: one answer per command, one announcement.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import websockets
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.asyncio.server import ServerConnection

from shequn.testing.databases import POSTGRES_ENV, TestDatabases, server_url
from tests.adapters.qq.fake import v11_group_message

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "cluster-token"
BOT = "10001"
ADMIN = 9000
GROUP = 555
MEMBERS = [20000 + n for n in range(12)]
WORKERS = 3
KEEP_PLUGINS = {"points", "signin", "lottery"}


@dataclass
class Implementation:
    """The fake OneBot v11 forward WebSocket server: each worker is one connection."""

    connections: list[ServerConnection] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def serve(self, ws: ServerConnection) -> None:
        auth = ws.request.headers.get("Authorization") if ws.request else None
        if auth != f"Bearer {TOKEN}":
            self.refused += 1
            await ws.close(1008, "bad token")
            return
        await ws.send(json.dumps(_lifecycle()))
        self.connections.append(ws)
        self.changed.set()
        async for raw in ws:
            frame = json.loads(raw)
            name, params = frame.get("action"), frame.get("params", {})
            data: Any = None
            if name in ("send_group_msg", "send_msg", "send_private_msg"):
                self.sent.append(params)
                self.changed.set()
                data = {"message_id": 100_000 + next(self.ids)}
            elif name == "get_group_member_info":
                data = {"user_id": params.get("user_id"), "role": "member", "nickname": "m"}
            elif name == "get_group_list":
                data = []
            elif name == "get_login_info":
                data = {"user_id": int(BOT), "nickname": "bot"}
            answer = {"status": "ok", "retcode": 0, "data": data, "echo": frame.get("echo")}
            await ws.send(json.dumps(answer))

    async def deliver_twice(self, frame: dict[str, Any], first: int) -> None:
        """The same event to two different workers, at the same time."""
        payload = json.dumps(frame)
        a, b = self.connections[first % WORKERS], self.connections[(first + 1) % WORKERS]
        await asyncio.gather(a.send(payload), b.send(payload))

    def texts(self) -> list[str]:
        return [_text(p) for p in self.sent]

    async def wait(self, condition: Any, seconds: float, what: str) -> None:
        try:
            async with asyncio.timeout(seconds):
                while not condition():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}; sent: {self.texts()}") from None


def answered(texts: list[str], phrase: str) -> int:
    """How many answers containing ``phrase`` were sent, merged ones counted one by one."""
    return sum(text.count(phrase) for text in texts)


def _lifecycle() -> dict[str, Any]:
    return {
        "time": int(time.time()),
        "self_id": int(BOT),
        "post_type": "meta_event",
        "meta_event_type": "lifecycle",
        "sub_type": "connect",
    }


def _text(params: dict[str, Any]) -> str:
    message = params.get("message", "")
    if isinstance(message, str):
        return message
    return "".join(s.get("data", {}).get("text", "") for s in message if s.get("type") == "text")


@pytest.fixture
async def postgres_url(tmp_path: Path) -> AsyncIterator[str]:
    if server_url() is None:
        reason = f"no PostgreSQL server: set {POSTGRES_ENV}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    databases = TestDatabases("postgres", tmp_path)
    try:
        yield await databases.url("cluster")
    finally:
        await databases.close()


def _config(tmp_path: Path, url: str, port: int) -> Path:
    others = sorted(
        p.name
        for p in (ROOT / "plugins").iterdir()
        if (p / "__init__.py").is_file() and p.name not in KEEP_PLUGINS
    )
    config = tmp_path / "worker.toml"
    config.write_text(
        "\n".join(
            [
                'adapters = ["qq"]',
                'locale = "en"',
                f'superusers = ["qq:{ADMIN}"]',
                f"disabled_plugins = {json.dumps(others)}",
                "[database]",
                f"url = {json.dumps(url)}",
                # no [cluster] section: sharing is on by default on PostgreSQL
                "[qq]",
                'mode = "forward"',
                f'urls = ["ws://127.0.0.1:{port}"]',
            ]
        ),
        encoding="utf-8",
    )
    return config


@contextlib.asynccontextmanager
async def workers(config: Path, logs: Path) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    env = {**os.environ, "SHEQUN_QQ__ACCESS_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    env.pop("SHEQUN_DATABASE__URL", None)
    procs = []
    for n in range(WORKERS):
        log = (logs / f"worker{n}.log").open("wb")
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "bot.py",
                "--config",
                str(config),
                "--log-level",
                "INFO",
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        )
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


def _logs(logs: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(logs.glob("*.log")))


async def _query(url: str, sql: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return list(await conn.execute(text(sql)))
    finally:
        await engine.dispose()


async def test_three_workers_reward_and_draw_once(tmp_path: Path, postgres_url: str) -> None:
    implementation = Implementation()
    message_ids = itertools.count(1)
    deliveries = itertools.count()

    async def say(user: int, words: str) -> None:
        frame = v11_group_message(BOT, GROUP, user, words, message_id=next(message_ids))
        await implementation.deliver_twice(frame, next(deliveries))

    async with websockets.serve(implementation.serve, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        config = _config(tmp_path, postgres_url, port)
        async with workers(config, tmp_path) as procs:
            try:
                await implementation.wait(
                    lambda: (
                        len(implementation.connections) == WORKERS
                        or any(p.returncode is not None for p in procs)
                    ),
                    90,
                    "three workers to connect",
                )
                assert len(implementation.connections) == WORKERS, _logs(tmp_path)

                for user in MEMBERS:
                    await say(user, "/signin")
                await implementation.wait(
                    lambda: answered(implementation.texts(), "signed in:") >= len(MEMBERS),
                    60,
                    "sign-in answers",
                )

                await say(ADMIN, "/lottery create Keyboard winners=3 points=50 end=15s")
                await implementation.wait(
                    lambda: any("Lottery #" in t for t in implementation.texts()),
                    30,
                    "the lottery announcement",
                )
                (lottery_id,) = (await _query(postgres_url, "SELECT id FROM lottery_lottery"))[0]
                for user in MEMBERS:
                    await say(user, f"/lottery join {lottery_id}")
                await implementation.wait(
                    lambda: answered(implementation.texts(), "entered lottery") >= len(MEMBERS),
                    60,
                    "entry answers",
                )
                await implementation.wait(
                    lambda: any("is drawn" in t for t in implementation.texts()),
                    90,
                    "the draw announcement",
                )
                # a second look after the other workers' schedulers had their chance
                await asyncio.sleep(2)
            except AssertionError as error:
                raise AssertionError(f"{error}\n{_logs(tmp_path)}") from None

    texts = implementation.texts()
    assert implementation.refused == 0
    assert sum("is drawn" in t for t in texts) == 1
    # one answer per command (QQ's outbound pace may merge answers into one message):
    # 12 sign-ins, 1 creation, 12 entries, 1 draw
    for user in MEMBERS:
        assert answered(texts, f"u{user} signed in:") == 1, texts
        assert answered(texts, f"u{user} entered lottery") == 1, texts
    assert answered(texts, "signed in:") == answered(texts, "entered lottery") == len(MEMBERS)
    assert answered(texts, f"lottery join {lottery_id}") == 1, texts  # the creation

    signins = await _query(
        postgres_url,
        "SELECT person, count(*) FROM core_ledger WHERE plugin = 'signin' GROUP BY person",
    )
    assert sorted(p for p, _ in signins) == sorted(f"qq:{u}" for u in MEMBERS)
    assert all(count == 1 for _, count in signins)

    ((state, rounds),) = await _query(
        postgres_url, f"SELECT state, rounds FROM lottery_lottery WHERE id = {lottery_id}"
    )
    assert (state, rounds) == ("drawn", 1)
    entries = await _query(
        postgres_url,
        f"SELECT person, winner_round FROM lottery_entry WHERE lottery_id = {lottery_id}",
    )
    assert len(entries) == len(MEMBERS)
    winners = sorted(p for p, won in entries if won == 1)
    assert len(winners) == 3
    prizes = await _query(
        postgres_url,
        "SELECT person, amount FROM core_ledger WHERE plugin = 'lottery' ORDER BY person",
    )
    assert [p for p, _ in prizes] == winners
    assert all(amount == 50 for _, amount in prizes)
    jobs = await _query(
        postgres_url, "SELECT status, attempts FROM core_job WHERE plugin = 'lottery'"
    )
    assert jobs == [("done", 1)]
