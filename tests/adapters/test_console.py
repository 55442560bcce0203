"""The console, end to end: the real ``bot.py`` in a subprocess, a script on stdin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAS_SIGNIN = (ROOT / "plugins" / "signin" / "__init__.py").is_file()
HAS_POINTS = (ROOT / "plugins" / "points" / "__init__.py").is_file()

PROBE = """
from datetime import timedelta
from typing import Any

from shequn import (
    Button, Buttons, ButtonPressed, Context, JobContext, MemberJoined, MemberLeft, Message,
    Plugin, Scene, SceneKind, User,
)

plugin = Plugin("probe", title="Probe")


@plugin.command("remind")
async def remind(ctx: Context, minutes: int) -> None:
    await ctx.schedule("ring", ctx.now() + timedelta(minutes=minutes), {"who": ctx.user.id})
    await ctx.reply("scheduled")


@plugin.job("ring")
async def ring(ctx: JobContext, payload: dict[str, Any]) -> None:
    await ctx.send(f"ring {payload['who']}")


@plugin.command("whisper")
async def whisper(ctx: Context) -> None:
    scene = Scene(platform=ctx.user.platform, kind=SceneKind.PRIVATE,
                  id=f"private:{ctx.user.id}", name=ctx.user.id)
    await ctx.send("psst", scene)


@plugin.command("kick")
async def kick(ctx: Context, name: str) -> None:
    await ctx.kick(User(platform=ctx.user.platform, id=name, name=name))


@plugin.command("mute")
async def mute(ctx: Context, name: str) -> None:
    await ctx.mute(User(platform=ctx.user.platform, id=name, name=name), timedelta(minutes=10))


@plugin.command("pick")
async def pick(ctx: Context) -> None:
    buttons = Buttons.of([Button("Red", "red"), Button("Blue", "blue")])
    await ctx.reply(Message(["Colour?", buttons]))


@plugin.on(ButtonPressed)
async def picked(ctx: Context) -> None:
    assert isinstance(ctx.event, ButtonPressed)
    await ctx.reply(f"picked {ctx.event.data}")


@plugin.command("level")
async def level(ctx: Context) -> None:
    await ctx.reply(f"level {(await ctx.level()).name.lower()}")


@plugin.on(MemberJoined)
async def welcome(ctx: Context) -> None:
    assert isinstance(ctx.event, MemberJoined)
    inviter = ctx.event.inviter.id if ctx.event.inviter else "nobody"
    await ctx.reply(f"welcome {ctx.event.user.id}, invited by {inviter}")


@plugin.on(MemberLeft)
async def farewell(ctx: Context) -> None:
    await ctx.reply(f"bye {ctx.event.user.id}")
"""


class Bot:
    """Runs ``bot.py`` with its own settings file and database under ``tmp_path``."""

    def __init__(self, tmp_path: Path, *, locale: str = "en", probe: bool = False) -> None:
        self.tmp_path = tmp_path
        self.config = tmp_path / "shequn.toml"
        dirs = ["plugins"]
        if probe:
            package = tmp_path / "console_probe_plugins" / "probe"
            package.mkdir(parents=True)
            (package / "__init__.py").write_text(PROBE, encoding="utf-8")
            dirs.append(str(package.parent))
        plugin_dirs = ", ".join(f'"{d}"' for d in dirs)
        # Only the plugins these tests are about: the probe, sign-in and points. Other
        # built-in plugins (moderation's /kick, welcome's greetings) would change the output.
        others = sorted(
            p.name
            for p in (ROOT / "plugins").iterdir()
            if (p / "__init__.py").is_file() and p.name not in ("signin", "points")
        )
        disabled = "[" + ", ".join(f'"{name}"' for name in others) + "]"
        self.config.write_text(
            textwrap.dedent(
                f"""\
                locale = "{locale}"
                timezone = "UTC"
                plugin_dirs = [{plugin_dirs}]
                disabled_plugins = {disabled}

                [console]
                user = "alice"
                group = "lobby"
                """
            ),
            encoding="utf-8",
        )

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHEQUN_")}
        env["SHEQUN_DATABASE__URL"] = f"sqlite+aiosqlite:///{self.tmp_path / 'x.db'}"
        env["PYTHONIOENCODING"] = "utf-8"
        return env

    def run(self, script: str, *python_options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *python_options, "bot.py", "--config", str(self.config)],
            input=script,
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    def say(self, *lines: str) -> list[str]:
        """Run a script; stdout as lines, after checking the run ended well."""
        done = self.run("".join(line + "\n" for line in lines))
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout.splitlines()


def notes(lines: list[str]) -> list[str]:
    return [line[2:] for line in lines if line.startswith("# ")]


def replies(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("#")]


# -- pieces --------------------------------------------------------------------------------


def test_lines_are_meta_messages_or_nothing() -> None:
    from adapters.console.builder import MetaLine, Say, parse_line

    assert parse_line("   \n") is None
    assert parse_line(":Clock +1d\n") == MetaLine("clock", ("+1d",))
    assert parse_line(":") == MetaLine("", ())
    assert parse_line("::) hi") == Say(":) hi")
    said = parse_line("hi @bob")
    assert isinstance(said, Say)
    assert [type(s).__name__ for s in said.message] == ["Text", "Mention"]


# -- basics --------------------------------------------------------------------------------


def test_core_commands_answer_and_end_of_input_exits_zero(tmp_path: Path) -> None:
    out = Bot(tmp_path).say("/help", "/link")
    assert any(line.startswith("Commands") for line in out)
    assert any("/link" in line for line in out)
    assert re.search(r"link code is \w+", "\n".join(out))
    assert notes(out) == []


def test_empty_input_starts_fast_without_platform_libraries(tmp_path: Path) -> None:
    bot = Bot(tmp_path)
    started = time.perf_counter()
    done = bot.run("", "-X", "importtime")
    elapsed = time.perf_counter() - started
    assert done.returncode == 0
    assert done.stdout == ""
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "shequn" in imported
    assert not imported & {"aiogram", "discord", "nonebot", "typer", "fastapi", "uvicorn"}
    # The budget is 1.5 s to the first read; allow for slow, busy test machines.
    assert elapsed < 6


def test_logs_stay_off_stdout(tmp_path: Path) -> None:
    bot = Bot(tmp_path)
    done = subprocess.run(
        [sys.executable, "bot.py", "--config", str(bot.config), "--log-level", "DEBUG"],
        input="/help\n",
        cwd=ROOT,
        env=bot.env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0
    assert "DEBUG" in done.stderr
    assert "DEBUG" not in done.stdout and "INFO" not in done.stdout


def test_unknown_adapter_is_a_clear_error(tmp_path: Path) -> None:
    bot = Bot(tmp_path)
    env = {**bot.env(), "SHEQUN_ADAPTERS": '["nosuch"]'}
    done = subprocess.run(
        [sys.executable, "bot.py", "--config", str(bot.config)],
        input="",
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown adapter 'nosuch'" in done.stderr
    assert "console" in done.stderr


# -- meta-lines ----------------------------------------------------------------------------


def test_help_lists_every_meta_line(tmp_path: Path) -> None:
    said = notes(Bot(tmp_path).say(":help"))
    text = "\n".join(said)
    for usage in (
        ":as NAME",
        ":join NAME [by INVITER]",
        ":leave",
        ":admin",
        ":group",
        ":private",
        ":clock",
        ":quit",
        "::TEXT",
    ):
        assert usage in text


def test_meta_help_follows_the_default_locale(tmp_path: Path) -> None:
    said = "\n".join(notes(Bot(tmp_path, locale="zh-CN").say(":help", ":as bob")))
    assert "控制台命令" in said
    assert "你现在是 bob" in said


def test_switching_users_groups_and_private(tmp_path: Path) -> None:
    out = Bot(tmp_path, probe=True).say(
        "/level",
        ":admin bob",
        ":as bob",
        "/level",
        ":group hall",
        "/level",
        ":private",
        "/whisper",
        ":group",
        "/whisper",
    )
    assert replies(out) == [
        "level member",
        "level admin",
        "level member",
        "psst",
        "[to bob, privately] psst",
    ]
    said = notes(out)
    assert "bob is now an admin of lobby." in said
    assert "You are bob, in group lobby." in said
    assert "You are bob, in group hall." in said
    assert "You are bob, talking privately with the bot." in said
    assert said[-1] == "You are bob, in group hall."


def test_join_with_inviter_and_leave(tmp_path: Path) -> None:
    out = Bot(tmp_path, probe=True).say(
        ":join carol by bob",
        ":join carol",
        ":join dave",
        ":as carol",
        "hello",
        ":leave",
        "anyone?",
        ":join carol",
        ":who",
    )
    assert replies(out) == [
        "welcome carol, invited by bob",
        "welcome dave, invited by nobody",
        "bye carol",
        "welcome carol, invited by nobody",
    ]
    said = notes(out)
    assert said[0] == "carol joined lobby, invited by bob."
    assert said[1] == "carol is in lobby already."
    assert "carol left lobby." in said
    assert any(s.startswith("carol is no longer in lobby") for s in said)
    assert said[-1] == "Members of lobby: carol, dave"


def test_kick_and_mute_are_enforced(tmp_path: Path) -> None:
    out = Bot(tmp_path, probe=True).say(
        ":join bob",
        "/kick bob",
        "/mute dave",
        ":as bob",
        "hi",
        ":as dave",
        "/level",
        ":clock +11m",
        "/level",
    )
    said = notes(out)
    assert "bob was removed from lobby." in said
    assert any(s.startswith("dave is muted in lobby until") for s in said)
    assert any(s.startswith("bob is no longer in lobby") for s in said)
    assert any(s.startswith("dave is muted in lobby until") and "not sent" in s for s in said)
    assert replies(out)[-1] == "level member"
    assert replies(out).count("level member") == 1


def test_numbered_choices_stand_for_buttons(tmp_path: Path) -> None:
    out = Bot(tmp_path, probe=True).say("/pick", "2")
    text = "\n".join(out)
    assert "1. Red" in text and "2. Blue" in text
    assert out[-1] == "picked blue"


def test_unknown_meta_lines_and_escapes(tmp_path: Path) -> None:
    out = Bot(tmp_path).say(":nope", ":clok", ":as", ":as b@d", "::)")
    said = notes(out)
    assert said[0].startswith("Unknown console command :nope.")
    assert said[1] == "Unknown console command :clok. Did you mean :clock?"
    assert said[2] == "Usage: :as NAME"
    assert said[3].startswith("“b@d” cannot be a name")
    assert replies(out) == []


def test_quit_stops_reading(tmp_path: Path) -> None:
    out = Bot(tmp_path).say(":as bob", ":quit", "/help")
    assert replies(out) == []
    assert notes(out) == ["You are bob, in group lobby."]


# -- time ----------------------------------------------------------------------------------


def test_clock_runs_jobs_that_fall_due_before_the_next_line(tmp_path: Path) -> None:
    out = Bot(tmp_path, probe=True).say(
        "/remind 90",
        ":clock +1h",
        ":group hall",
        ":clock 2099-01-01T00:00",
        ":clock 2000-01-01",
        ":clock +1d",
        ":clock",
        ":clock sometime",
    )
    said = [line for line in out if not line.startswith("# You are")]
    assert said[0] == "scheduled"
    assert said[1].startswith("# The clock now reads ")
    assert said[2] == "# The clock now reads 2099-01-01 00:00 (UTC)."
    assert said[3] == "[in lobby] ring alice"
    assert said[4] == "# Scheduled jobs that ran: 1."
    assert said[5] == "# Time only moves forward: it is already 2099-01-01 00:00 (UTC)."
    assert said[6] == "# The clock now reads 2099-01-02 00:00 (UTC)."
    assert said[7] == "# It is 2099-01-02 00:00 (UTC)."
    assert said[8] == "# Usage: :clock [+DURATION | DATE]"


def test_data_persist_across_processes(tmp_path: Path) -> None:
    bot = Bot(tmp_path)
    first = "\n".join(bot.say("/link"))
    code = re.search(r"/link (\w+)", first)
    assert code is not None
    second = bot.say(":as bob", f"/link {code.group(1)}", ":as alice", "/link confirm")
    assert any(line.startswith("Linked.") and "console:bob" in line for line in second)


# -- the acceptance flow: sign in, points, a day later, a second process -------------------


def balance(lines: list[str]) -> int:
    """The balance in a ``/points`` answer: its first number (none yet: 0)."""
    numbers = re.findall(r"\d+", replies(lines)[0])
    return int(numbers[0]) if numbers else 0


@pytest.mark.skipif(not (HAS_SIGNIN and HAS_POINTS), reason="needs the signin and points plugins")
def test_signin_flow_across_days_and_processes(tmp_path: Path) -> None:
    bot = Bot(tmp_path)
    out = bot.say(
        "/points",
        "/signin",
        "/points",
        "/signin",
        "/points",
        ":clock +1d",
        "/signin",
        "/points",
    )
    bot_lines = replies(out)
    before, after_first, after_again, after_next_day = (
        balance([line]) for line in bot_lines if "alice" in line and "sign" not in line
    )
    assert before == 0
    assert after_first > before
    assert after_again == after_first
    assert after_next_day > after_first
    signins = [line for line in bot_lines if "signed in" in line]
    assert "already" in signins[1]
    assert re.search(r"\b2\b", signins[2])
    later = bot.say("/points")
    assert balance(later) == after_next_day


# -- at a terminal -------------------------------------------------------------------------


def _read_until(fd: int, marker: bytes, timeout: float = 30) -> bytes:
    import select

    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
@pytest.mark.parametrize(("ending", "code"), [(b"\x04", 0), (None, 130)])
def test_terminal_prompt_and_ending(tmp_path: Path, ending: bytes | None, code: int) -> None:
    import pty
    import signal

    bot = Bot(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the bot, never return into pytest
        try:
            os.chdir(ROOT)
            argv = [sys.executable, "bot.py", "--config", str(bot.config)]
            os.execve(sys.executable, argv, bot.env())
        finally:
            os._exit(127)
    try:
        banner = _read_until(fd, b"alice@lobby> ")
        assert b"# Shequn console" in banner
        os.write(fd, b":private\n")
        assert b"alice@private> " in _read_until(fd, b"alice@private> ")
        if ending is None:
            os.kill(pid, signal.SIGINT)
        else:
            os.write(fd, ending)
        _read_until(fd, b"\n")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == code
