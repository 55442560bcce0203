"""OneBot v11 end to end: plain nonebot2 against Shequn's QQ adapter, in one run.

    python bench/onebot.py [--messages 5000] [--groups 50] [--users 200]

The same fake OneBot implementation (this process) connects over a real local WebSocket to
``/onebot/v11/ws`` of a server in a child process, sends group messages as fast as the
server takes them and answers every action frame by its ``echo``. A message counts once the
server has asked to send its answer to the group (``send_group_msg``). Message ``N`` says
``/ping N`` and both servers answer ``pong N``. ``bench/load.py`` reuses these servers for
offered loads.

(a) plain nonebot2: ``nonebot.init(driver="~fastapi")`` with the OneBot v11 adapter and one
    ``on_message`` matcher answering with ``bot.send_group_msg``, served by uvicorn with
    nonebot's lifespan, nonebot's log level at WARNING;
(b) Shequn: the real app with the QQ adapter and one core command handler (``/ping``)
    replying through the context, on Shequn's web server.

The messages are spread over ``--groups`` groups: Shequn handles a group's events in order
and different groups concurrently. Each server is pinned to one core, the client to another
where there is one.
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token"
SELF_ID = "10001"


# -- servers (child processes) -------------------------------------------------------------


def _pin(core: int) -> None:
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if len(cores) > 1 and core in cores:
        os.sched_setaffinity(0, {core})


async def serve_nonebot(port: int) -> None:
    import nonebot
    import uvicorn
    from nonebot.adapters.onebot.v11 import Adapter, Bot, GroupMessageEvent

    nonebot.init(
        _env_file=(os.devnull,),
        driver="~fastapi",
        onebot_v11_access_token=TOKEN,
        log_level="WARNING",
    )
    nonebot.get_driver().register_adapter(Adapter)
    matcher = nonebot.on_message()

    @matcher.handle()
    async def _answer(bot: Bot, event: GroupMessageEvent) -> None:
        number = event.get_plaintext().rpartition(" ")[2]
        await bot.send_group_msg(group_id=event.group_id, message=f"pong {number}")

    config = uvicorn.Config(
        nonebot.get_asgi(),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
    )
    await uvicorn.Server(config).serve()


async def serve_shequn(port: int) -> None:
    import logging

    from shequn import App, Context, Plugin, Settings

    logging.basicConfig(level=logging.WARNING)
    ping = Plugin("benchping", title="Bench ping")

    @ping.command("ping")
    async def _ping(ctx: Context, number: str = "") -> None:
        await ctx.reply(f"pong {number}")

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database={"url": f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"},
            web={"host": "127.0.0.1", "port": port},
            qq={"access_token": TOKEN},
            log_level="WARNING",
            limits={"enabled": False},  # the client floods on purpose: measure, do not refuse
        )
        app = App(settings)
        app.load_plugin(ping)
        import adapters.qq

        adapter = adapters.qq.create(app)
        app.add_adapter(adapter)
        await app.start()
        app.start_web()
        try:
            await adapter.run()
        finally:
            await app.stop()


def serve(kind: str, port: int) -> None:
    _pin(0)
    runner = serve_nonebot if kind == "nonebot" else serve_shequn
    asyncio.run(runner(port))


# -- the fake OneBot client ------------------------------------------------------------------


def frame(n: int, groups: int, users: int) -> str:
    group, user = 100_000 + n % groups, 200_000 + n % users
    return json.dumps(
        {
            "time": int(time.time()),
            "self_id": int(SELF_ID),
            "post_type": "message",
            "message_type": "group",
            "sub_type": "normal",
            "message_id": n + 1,
            "group_id": group,
            "user_id": user,
            "message": [{"type": "text", "data": {"text": f"/ping {n}"}}],
            "raw_message": f"/ping {n}",
            "font": 0,
            "sender": {"user_id": user, "nickname": f"u{user}", "card": "", "role": "member"},
        }
    )


async def connect(port: int) -> Any:
    import websockets

    url = f"ws://127.0.0.1:{port}/onebot/v11/ws"
    headers = {
        "X-Self-ID": SELF_ID,
        "X-Client-Role": "Universal",
        "Authorization": f"Bearer {TOKEN}",
    }
    deadline = time.monotonic() + 60
    while True:
        try:
            ws = await websockets.connect(url, additional_headers=headers, max_queue=None)
            await asyncio.sleep(0.5)  # let the server finish its connection hooks
            return ws
        except (OSError, websockets.exceptions.WebSocketException):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def drive(port: int, messages: int, groups: int, users: int) -> float:
    """Messages answered per second, from the first frame sent to the last answer."""
    ws = await connect(port)
    frames = [frame(n, groups, users) for n in range(messages)]
    answered = 0
    done = asyncio.Event()

    async def read() -> None:
        nonlocal answered
        async for raw in ws:
            action = json.loads(raw)
            if action.get("action") == "send_group_msg":
                data: Any = {"message_id": answered + 1}
                answered += 1
            else:
                data = [] if action.get("action") == "get_group_list" else None
            reply = {"status": "ok", "retcode": 0, "data": data, "echo": action.get("echo")}
            await ws.send(json.dumps(reply))
            if answered >= messages:
                done.set()

    reader = asyncio.create_task(read())
    start = time.perf_counter()
    for text in frames:
        await ws.send(text)
    await asyncio.wait_for(done.wait(), 600)
    elapsed = time.perf_counter() - start
    reader.cancel()
    await ws.close()
    return messages / elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(kind: str, quiet: bool = False) -> Iterator[int]:
    """A ``nonebot`` or ``shequn`` server in a child process (pinned to core 0): its port.
    ``quiet`` drops its output (overloaded servers log every timed-out call)."""
    port = free_port()
    output = subprocess.DEVNULL if quiet else None
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port)],
        cwd=ROOT,
        stdout=output,
        stderr=output,
    )
    try:
        yield port
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def measure(kind: str, messages: int, groups: int, users: int) -> float:
    with server(kind) as port:
        _pin(1)
        return asyncio.run(drive(port, messages, groups, users))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--serve", choices=["nonebot", "shequn"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, options.port)
        return
    workload = (options.messages, options.groups, options.users)
    plain = measure("nonebot", *workload)
    print(f"plain nonebot2 (on_message matcher): {plain:,.0f} messages answered/s")
    shequn = measure("shequn", *workload)
    print(f"Shequn QQ adapter (core command):    {shequn:,.0f} messages answered/s")
    print(f"ratio: {shequn / plain:.2f}x")


if __name__ == "__main__":
    main()
