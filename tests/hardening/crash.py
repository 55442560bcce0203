"""Helpers of the crash-recovery test: run ``bot.py`` on a script, kill it, read the database.

The console reads the script from a pipe and answers each line after handling it, so a line
of output is an acknowledgement: what it reports must survive any later crash.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
USERS = [f"u{i}" for i in range(8)]


def iteration_script(i: int) -> list[str]:
    """Day ``i``: a burst of sign-ins, a red envelope, a shop redemption, a lottery draw."""
    lines = [f":clock +{i}d"] if i else []
    lines += [":as bob", "hello"]  # points go only to members seen in the group
    lines += [":as admin", f"/grant @bob 200 seed{i}"]
    for user in USERS:
        lines += [f":as {user}", "/signin"]
    lines += [":as bob", f"/hongbao 30 3 day{i}"]
    for user in USERS[:4]:  # one more grabber than shares
        lines += [f":as {user}", "/grab"]
    lines += [":as admin", f"/shop add Item{i} 5 3"]
    for user in ("bob", *USERS[:3]):
        lines += [f":as {user}", f"/redeem Item{i}"]
    lines += [":as admin", f"/lottery create Prize{i} winners=2 end=1m points=20"]
    for user in USERS[:4]:
        lines += [f":as {user}", "/lottery join"]
    lines += [":clock +2m", "/points"]
    return lines


@dataclass
class Run:
    output: list[str]
    killed: bool


def run_bot(config: Path, script: list[str], kill_after_lines: int | None) -> Run:
    """Feed ``script`` to ``python bot.py``; SIGKILL it once it printed that many lines."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "bot.py", "--config", str(config)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    feeder = threading.Thread(target=_feed, args=(proc.stdin, script), daemon=True)
    feeder.start()
    output: list[str] = []
    killed = False
    for raw in proc.stdout:
        output.append(raw.decode("utf-8", "replace").rstrip("\n"))
        if kill_after_lines is not None and len(output) >= kill_after_lines:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
    proc.stdout.close()
    proc.wait(timeout=60)
    return Run(output, killed)


def _feed(stdin: object, script: list[str]) -> None:
    try:
        for line in script:
            stdin.write((line + "\n").encode())  # type: ignore[attr-defined]
            stdin.flush()  # type: ignore[attr-defined]
            time.sleep(0.001)  # lines arrive one by one, as typed, so a kill lands mid-way
        stdin.close()  # type: ignore[attr-defined]
    except (BrokenPipeError, ValueError, OSError):
        return  # the bot was killed


# -- what the output acknowledged ----------------------------------------------------------

SIGNED = re.compile(r"✅ (\S+) signed in")
GRABBED = re.compile(r"🧧 (\S+) grabbed (\d+) points from red envelope #(\d+)")
SENT = re.compile(r"🧧 (\S+) sent red envelope #(\d+): (\d+) points")
REDEEMED = re.compile(r"✅ (\S+) redeemed .* \(order #(\d+)\)")
DRAWN = re.compile(r"Lottery #(\d+) .* is drawn")
ENTERED = re.compile(r"🎟 (\S+) entered lottery #(\d+)")


@dataclass
class Acknowledged:
    signins: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    grabs: set[tuple[str, int, int]] = field(default_factory=set)
    envelopes: set[tuple[str, int, int]] = field(default_factory=set)
    orders: set[tuple[str, int]] = field(default_factory=set)
    drawn: set[int] = field(default_factory=set)
    entries: set[tuple[str, int]] = field(default_factory=set)

    def read(self, lines: list[str]) -> None:
        for line in lines:
            if m := SIGNED.search(line):
                self.signins[m[1]] += 1
            elif m := GRABBED.search(line):
                self.grabs.add((m[1], int(m[2]), int(m[3])))
            elif m := SENT.search(line):
                self.envelopes.add((m[1], int(m[2]), int(m[3])))
            elif m := REDEEMED.search(line):
                self.orders.add((m[1], int(m[2])))
            elif m := DRAWN.search(line):
                self.drawn.add(int(m[1]))
            elif m := ENTERED.search(line):
                self.entries.add((m[1], int(m[2])))


def person(user: str) -> str:
    return f"console:{user}"


def rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(query))
    finally:
        conn.close()
