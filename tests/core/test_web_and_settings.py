"""The shared web server, token checks, and adapter settings from file and environment."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp
import pytest
from pydantic import BaseModel

from shequn import Settings, adapter_settings
from shequn.internal.config import WebSettings
from shequn.internal.web import WebServer, bearer_token, same_secret


def test_secret_helpers() -> None:
    assert same_secret("s3cret", "s3cret")
    assert not same_secret("s3cre", "s3cret")
    assert not same_secret(None, "s3cret")
    assert not same_secret("", "")  # an empty configured secret never matches
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("Token abc") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None


class DemoSettings(BaseModel):
    token: str
    mode: str = "polling"
    retries: int = 3
    urls: list[str] = []


def test_adapter_settings_merge_file_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(demo={"token": "from-file", "mode": "webhook"})
    monkeypatch.setenv("SHEQUN_DEMO__TOKEN", "from-env")
    monkeypatch.setenv("SHEQUN_DEMO__RETRIES", "5")
    monkeypatch.setenv("SHEQUN_DEMO__URLS", '["ws://a", "ws://b"]')
    demo = adapter_settings(settings, "demo", DemoSettings)
    assert demo == DemoSettings(
        token="from-env", mode="webhook", retries=5, urls=["ws://a", "ws://b"]
    )


async def test_web_server_serves_added_routes() -> None:
    server = WebServer(WebSettings(host="127.0.0.1", port=0))
    assert not server.needed

    @server.app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    assert server.needed
    task = asyncio.create_task(server.serve())
    await asyncio.wait_for(server.started.wait(), 10)
    url = f"http://127.0.0.1:{server.port}/ping"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert await response.json() == {"pong": "yes"}
    await server.stop()
    await asyncio.wait_for(task, 10)


async def test_a_taken_port_is_logged_and_the_bot_runs_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another program on the port must not end the bot (uvicorn alone would exit)."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        server = WebServer(WebSettings(host="127.0.0.1", port=port))
        server.app.get("/ping")(lambda: {"pong": "yes"})
        with caplog.at_level(logging.ERROR, logger="shequn.web"):
            await asyncio.wait_for(server.serve(), 10)  # returns instead of exiting
        assert not server.started.is_set()
        assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
        assert "SHEQUN_WEB__PORT" in caplog.text
    finally:
        taken.close()
