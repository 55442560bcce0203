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

    def __init__(
        self,
        tmp_path: Path,
        *,
        locale: str = "en",
        probe: bool = False,
        plugins: tuple[str, ...] | None = ("signin", "points"),
        extra: str = "",
    ) -> None:
        """``plugins``: the built-in plugins to load (None: every one, as a real bot);
        ``extra``: more settings (TOML) at the end of the file."""
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
            if (p / "__init__.py").is_file() and plugins is not None and p.name not in plugins
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
            )
            + textwrap.dedent(extra),
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
    """The bot's lines: not the console's notes (``# ...``, or ``#`` alone when empty)."""
    return [line for line in lines if not line.startswith("# ") and line != "#"]


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
        ":reply [N [TEXT]]",
        ":paste",
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


# -- a real community: every plugin on ------------------------------------------------------

ORDINARY = (
    "/help",
    "hello everyone",
    "/signin",
    "/points",
    "how was your weekend?",
    "/quiz",
    "/quote",
    "mine was quiet",
    "/warns",
    "/titles",
    "/signin",
    "/points",
    "anyone up for a game tonight?",
    "/quiz rank",
    "/lottery",
    "/help",
    "sounds good",
    "/stats",
    "/points",
    "see you later",
)


def test_a_script_of_ordinary_lines_is_typed_at_a_human_pace(tmp_path: Path) -> None:
    """Moderation's default flood rule (more than 8 messages in 10 s) must not mute a script:
    each message moves the simulated clock on by the console's pace (4 s)."""
    assert len(ORDINARY) == 20
    out = Bot(tmp_path, plugins=None).say(":clock 2099-01-01T00:00", *ORDINARY, ":clock")
    text = "\n".join(out)
    assert "alice is muted" not in text
    assert "alice is warned" not in text
    assert "was deleted" not in text
    # 20 messages x 4 s = 80 s (plus the seconds the script really took)
    assert notes(out)[-1] in ("It is 2099-01-01 00:01 (UTC).", "It is 2099-01-01 00:02 (UTC).")


def test_reply_n_answers_the_nth_latest_message_so_quotes_can_be_archived(
    tmp_path: Path,
) -> None:
    out = Bot(tmp_path, plugins=("quotes",)).say(
        ":reply 1 /quote",
        ":as bob",
        "the cake is a lie",
        ":as carol",
        "so is the pie",
        ":as alice",
        ":reply",
        ":reply 2 /quote",
        ":reply 7 /quote",
        ":reply x",
        "/quote @bob",
    )
    said = notes(out)
    assert said[0] == "There is no message 1 here to reply to. :reply alone lists the latest ones."
    listed = said.index("Latest messages here (:reply N TEXT answers number N):")
    assert said[listed + 1 : listed + 3] == [
        "  1. carol: so is the pie",
        "  2. bob: the cake is a lie",
    ]
    assert "There is no message 7 here to reply to. :reply alone lists the latest ones." in said
    assert "Usage: :reply [N [TEXT]]" in said
    bot_said = "\n".join(replies(out))
    assert "📌 Archived as quote #1." in bot_said
    assert "“the cake is a lie” — bob" in bot_said
    assert "so is the pie" not in bot_said
    assert bot_said.count("the cake is a lie") == 2  # archived, then found among bob's


def test_paste_sends_several_lines_as_one_message(tmp_path: Path) -> None:
    out = Bot(tmp_path, plugins=("quiz",)).say(
        ":admin",
        ":paste",
        "/quiz import csv",
        "type,question,answer",
        "text,Capital of France?,Paris",
        ":as mallory",
        ":end",
        ":paste",
        ":end",
        ":paste",
        "/quiz import csv",
        "type,question,answer",
        "text,Largest ocean?,Pacific",
    )
    assert replies(out) == [
        # ":as mallory" was a line of the bank (a bad one), not a console command
        "Imported 1 new question(s); 0 already in the bank; 1 rejected.",
        "line 3: " + replies(out)[1].partition(": ")[2],
        # the end of input ends the last paste
        "Imported 1 new question(s); 0 already in the bank; 0 rejected.",
    ]
    said = notes(out)
    assert "You are mallory, in group lobby." not in said
    assert "Nothing was pasted: no message sent." in said
    assert (
        said.count("Pasting: the lines that follow form one message; end it with a line :end.") == 3
    )


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


def _at_terminal(bot: Bot) -> tuple[int, int]:
    """``bot.py`` started in a pseudo-terminal: (its pid, the terminal's fd)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: become the bot, never return into pytest
        try:
            os.chdir(ROOT)
            argv = [sys.executable, "bot.py", "--config", str(bot.config)]
            os.execve(sys.executable, argv, bot.env())
        finally:
            os._exit(127)
    return pid, fd


def _ended(pid: int, fd: int, wait: float = 20) -> int:
    """The exit code of the terminal's bot; killed when it does not end (a failed test
    must not leave it waiting at its prompt for ever)."""
    deadline = time.monotonic() + wait
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            time.sleep(0.05)
    finally:
        os.close(fd)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
@pytest.mark.parametrize(("ending", "code"), [(b"\x04", 0), (None, 130)])
def test_terminal_prompt_and_ending(tmp_path: Path, ending: bytes | None, code: int) -> None:
    import signal

    bot = Bot(tmp_path)
    pid, fd = _at_terminal(bot)
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
        ended = _ended(pid, fd)
    assert ended == code


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
def test_at_a_terminal_due_jobs_run_while_nobody_types(tmp_path: Path) -> None:
    """A quiz question times out on its own, and the prompt is drawn again below."""
    bot = Bot(tmp_path, plugins=("quiz",), extra="[plugin_defaults.quiz]\ntime_limit = 5\n")
    pid, fd = _at_terminal(bot)
    try:
        _read_until(fd, b"alice@lobby> ")
        os.write(fd, b"/quiz start 1\n")
        asked = _read_until(fd, b"5 seconds")
        started = time.monotonic()
        seen = _read_until(fd, b"Time is up", timeout=30)
        assert time.monotonic() - started >= 3
        assert b"Time is up" not in asked
        after = seen.partition(b"Time is up")[2] + _read_until(fd, b"alice@lobby> ")
        assert b"The round is over" in after
        os.write(fd, b"\x04")
        _read_until(fd, b"\n")
    finally:
        code = _ended(pid, fd)
    assert code == 0
