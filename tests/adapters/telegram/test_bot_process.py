"""``python bot.py`` with a ``[telegram]`` section runs against any server speaking the Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

from tests.adapters.telegram.fake_bot_api import TOKEN, FakeBotAPI, person, supergroup

ROOT = Path(__file__).resolve().parents[3]


async def test_bot_py_serves_telegram_from_the_config_file(api: FakeBotAPI, tmp_path: Path) -> None:
    config = tmp_path / "shequn.toml"
    config.write_text(
        textwrap.dedent(
            f"""\
            locale = "en"
            timezone = "UTC"

            [telegram]
            token = "{TOKEN}"
            api_base = "http://127.0.0.1:{api.port}"
            poll_timeout = 1
            """
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEQUN_")}
    env["SHEQUN_DATABASE__URL"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "bot.py",
        "--config",
        str(config),
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for("getMe", within=60)
        await api.push(
            message=api.message("/signin", user=person(7, "Dora", "dora"), chat=supergroup())
        )
        (answer,) = await api.wait_for("sendMessage", within=60)
        assert "signed in" in str(answer["text"])
        menus = await api.wait_for("setMyCommands", 3)
        assert {m.get("language_code") for m in menus} == {None, "en", "zh"}
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        except TimeoutError:
            process.kill()
            _, stderr = await process.communicate()
            raise AssertionError(stderr.decode()[-4000:]) from None
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
