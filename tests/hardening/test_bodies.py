"""Request bodies are bounded while they arrive, over the real web server.

Four unauthenticated 200 MB uploads at once to the dashboard's login page, declared or
chunked, are refused after the first few KiB: the server neither holds them in memory nor
reads them to the end. WebSocket messages are capped by ``[web] max_message_kib``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

import pytest
import websockets
from fastapi import WebSocket

from shequn.internal.config import WebSettings
from shequn.internal.web import WebServer
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import dashboard_bot

UPLOAD = 200 * 1024 * 1024
CHUNK = 64 * 1024
MiB = 1024 * 1024


def rss() -> int:
    """This process's resident memory in bytes (the server runs in it)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@contextlib.contextmanager
def peak_rss() -> Iterator[list[int]]:
    """The highest RSS seen while the block runs (sampled every few milliseconds)."""
    peak = [rss()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.002):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], rss())


async def serve(bot: Harness) -> int:
    bot.app.start_web()
    await asyncio.wait_for(bot.app.web.started.wait(), 10)
    return bot.app.web.port


async def upload(port: int, path: str, *, declared: bool, method: str = "POST") -> tuple[str, int]:
    """Send a 200 MB form body, made chunk by chunk, until the server answers or hangs up;
    the status line it sent ("" if none could be read) and the bytes sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    framing = f"Content-Length: {UPLOAD}" if declared else "Transfer-Encoding: chunked"
    writer.write(
        f"{method} {path} HTTP/1.1\r\nHost: bot.example\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{framing}\r\n\r\n".encode()
    )
    answer = asyncio.create_task(reader.readline())
    chunk = b"x" * CHUNK
    framed = chunk if declared else b"%x\r\n%s\r\n" % (CHUNK, chunk)
    sent = 0
    try:
        while sent < UPLOAD and not answer.done():
            writer.write(framed)
            await writer.drain()
            sent += CHUNK
        status = (await asyncio.wait_for(answer, 10)).decode().strip()
    except (ConnectionError, asyncio.IncompleteReadError):  # hung up: an answer read before?
        read = answer.done() and answer.exception() is None
        status = answer.result().decode().strip() if read else ""
    finally:
        answer.cancel()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return status, sent


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_four_huge_uploads_to_the_login_page_are_cut_short(
    make_bot: MakeBot, declared: bool
) -> None:
    bot = await dashboard_bot(make_bot)
    port = await serve(bot)
    await upload_small(port)  # everything a login needs is imported and warmed up
    before = rss()
    with peak_rss() as peak:
        results = await asyncio.wait_for(
            asyncio.gather(*(upload(port, "/admin/login", declared=declared) for _ in range(4))),
            30,
        )
    assert peak[0] - before < 20 * MiB, f"grew by {(peak[0] - before) / MiB:.1f} MiB"
    for status, sent in results:
        assert status in ("", "HTTP/1.1 413 Request Entity Too Large"), status
        assert sent < 32 * MiB  # refused early, not read to the end
    assert any(status for status, _ in results)  # the refusal was seen, not only a hang-up
    await bot.app.web.stop()


async def upload_small(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = b"token=nope&csrf=nope"
    writer.write(
        b"POST /admin/login HTTP/1.1\r\nHost: bot.example\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    await writer.drain()
    await reader.read()
    writer.close()


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/admin/login"), ("POST", "/admin/logout"), ("GET", "/admin/"), ("PUT", "/nowhere")],
)
async def test_a_declared_oversized_body_is_refused_before_any_route(
    make_bot: MakeBot, method: str, path: str
) -> None:
    bot = await dashboard_bot(make_bot, web={"max_body_kib": 16})
    port = await serve(bot)
    status, sent = await upload(port, path, declared=True, method=method)
    assert status in ("", "HTTP/1.1 413 Request Entity Too Large")
    assert sent < 32 * MiB
    await bot.app.web.stop()


async def test_websocket_messages_are_capped_by_the_setting() -> None:
    server = WebServer(WebSettings(host="127.0.0.1", port=0, max_message_kib=64))

    @server.app.websocket("/echo")
    async def echo(socket: WebSocket) -> None:
        await socket.accept()
        while True:
            await socket.send_text(await socket.receive_text())

    task = asyncio.create_task(server.serve())
    try:
        await asyncio.wait_for(server.started.wait(), 10)
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/echo") as ws:
            await ws.send("a" * 60 * 1024)
            assert len(await ws.recv()) == 60 * 1024
            await ws.send("a" * 80 * 1024)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    finally:
        await server.stop()
        await task
