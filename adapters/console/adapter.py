"""The console adapter: lines from stdin become events, what the bot sends goes to stdout.

It is the core's simulated platform (groups, admins, mutes) with a keyboard: each line is
dispatched and awaited, and the jobs that fell due have run, before the next line is read, so
a script always gives the same output. Lines starting with ``:`` act on the world instead
(see :mod:`adapters.console.meta`).

Time: a script is read in a blink, so each message of a script moves the simulated clock
forward by :data:`SCRIPT_PACE` first, as if typed by a person (the flood rule then sees a
chat, not a burst). At a terminal the clock runs with the wall clock and the scheduler's own
loop runs due jobs as they fall due, while the prompt waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from datetime import datetime, timedelta
from typing import Any, TextIO

from adapters.console import PLATFORM
from adapters.console.builder import PASTE_END, MetaLine, Paste, parse_line
from adapters.console.exporter import as_note, labelled, render
from adapters.console.history import History
from adapters.console.meta import run_meta
from adapters.console.reader import LineReader, is_interactive
from adapters.console.world import Seat
from shequn import App, Message, Scene, SimulatedClock, User
from shequn.internal.simulation import SELF_ID, SimulatedPlatform

SCRIPT_PACE = timedelta(seconds=4)
"""Simulated time between two messages of a script: a person's typing pace. Moderation's
default flood rule (more than 8 messages in 10 s) never sees more than 3."""

BOT = User(platform=PLATFORM, id=SELF_ID, name="bot", is_bot=True)


class ConsoleAdapter(SimulatedPlatform):
    """One person at the keyboard speaking as anyone, anywhere in a simulated world."""

    def __init__(
        self, app: App, *, output: TextIO | None = None, interactive: bool | None = None
    ) -> None:
        super().__init__(app, PLATFORM)
        self.out = output if output is not None else sys.stdout
        self.interactive = is_interactive() if interactive is None else interactive
        console = app.settings.console
        self.seat = Seat.start(console.user, console.group)
        self.departed: set[tuple[str, str]] = set()
        """(group, user) for members who left or were kicked: they must ``:join`` again."""
        self.history = History()
        """What was said and sent in each scene, for ``:reply N``."""
        self.paste: Paste | None = None
        self._output_closed = False
        self._reader: LineReader | None = None
        self._waiting_prompt: str | None = None
        """The prompt on screen while the terminal waits for a line (redrawn under output)."""

    # -- where we are ----------------------------------------------------------------------

    def current_scene(self) -> Scene:
        if self.seat.group is None:
            return self.private(self.seat.user)
        return self.group(self.seat.group).scene

    @property
    def locale(self) -> str:
        return self.app.group_locale(self.current_scene().group_key)

    def t(self, key: str, /, **values: Any) -> str:
        return self.app.translator.translate(PLATFORM, self.locale, key, **values)

    def where(self) -> str:
        """``group console`` / ``privately with the bot``, for notes."""
        if self.seat.group is None:
            return self.t("where.private")
        return self.t("where.group", group=self.seat.group)

    def prompt(self) -> str:
        if self.paste is not None:
            return self.t("prompt.paste")
        if self.seat.group is None:
            return self.t("prompt.private", user=self.seat.user)
        return self.t("prompt.group", user=self.seat.user, group=self.seat.group)

    def local_time(self, moment: datetime | None = None) -> str:
        zone = self.app.group_timezone(self.current_scene().group_key)
        shown = (moment or self.app.clock.now()).astimezone(zone)
        return f"{shown:%Y-%m-%d %H:%M} ({zone.key})"

    # -- output ----------------------------------------------------------------------------

    def write(self, text: str) -> None:
        if self._output_closed:
            return
        prompt = self._waiting_prompt
        try:
            if prompt is None:
                print(text, file=self.out, flush=True)
            else:  # a job spoke while the prompt waits: print above it, then redraw it
                typed = self._reader.pending_input() if self._reader is not None else ""
                print(f"\r\x1b[K{text}\n{prompt}{typed}", end="", file=self.out, flush=True)
        except BrokenPipeError:
            # The reader of our output went away (``| head``): stop quietly.
            self._output_closed = True
            if self.out is sys.stdout:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())

    def note(self, key: str, /, **values: Any) -> None:
        """A line from the console itself (not the bot), marked with ``# ``."""
        self.write(as_note(self.t(key, **values)))

    # -- the loop --------------------------------------------------------------------------

    async def run(self) -> None:
        """Read until end of input or ``:quit``."""
        if hasattr(self.out, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                self.out.reconfigure(errors="replace")
        reader = self._reader = LineReader(interactive=self.interactive)
        # No prompt in a transcript: ``python bot.py > log.txt`` at a terminal.
        prompting = self.interactive and _is_terminal(self.out)
        ticker: asyncio.Task[None] | None = None
        if self.interactive:
            self.note("banner", user=self.seat.user, where=self.where())
            # Nobody types on cue: due jobs (a quiz question's 30 s) run on their own.
            ticker = asyncio.create_task(self.app.scheduler.run_forever(), name="console-jobs")
        waiting = False
        try:
            while not self._output_closed:
                waiting = True
                prompt = self.prompt() if prompting else ""
                self._waiting_prompt = prompt or None
                try:
                    line = await reader.readline(prompt)
                finally:
                    self._waiting_prompt = None
                waiting = False
                if line is None:
                    if self.interactive:
                        self.write("")
                    if self.paste is not None:  # the end of input ends the paste too
                        await self.end_paste()
                    return
                if not await self.handle(line):
                    return
        finally:
            if ticker is not None:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            if waiting and self.interactive:  # stopped at the prompt (Ctrl-C): end its line
                self.write("")
            reader.close()

    async def handle(self, line: str) -> bool:
        """Act on one line and run the jobs due by then; False when the console should end."""
        if self.paste is not None:
            if line.strip() == PASTE_END:
                await self.end_paste()
            else:
                self.paste.add(line)
            return True
        parsed = parse_line(line)
        if parsed is None:
            return True
        if isinstance(parsed, MetaLine):
            if not await run_meta(self, parsed):
                return False
        else:
            await self.say(parsed.text)
        await self.app.scheduler.run_due()
        return True

    async def end_paste(self) -> None:
        """Send what ``:paste`` collected as one message (nothing: say so)."""
        paste, self.paste = self.paste, None
        if paste is None:
            return
        text = paste.text
        if not text.strip():
            self.note("paste.empty")
            return
        await self.say(text, reply_to=paste.reply_to)
        await self.app.scheduler.run_due()

    async def say(self, text: str, *, reply_to: str | None = None) -> None:
        """Post ``text`` as the current speaker where they are, if the platform lets them;
        with ``reply_to``, as a reply quoting that message."""
        await self._pace()
        user, group = self.seat.user, self.seat.group
        if group is not None and not self.may_speak(user, group):
            return
        event = self.message_event(user, text, group, reply_to=reply_to)
        self.history.add(event.scene.key, event.message_id)
        await self.app.dispatch(event)

    async def _pace(self) -> None:
        """In a script, let a person's typing time pass (and the jobs due meanwhile run)."""
        clock = self.app.clock
        if self.interactive or not isinstance(clock, SimulatedClock):
            return
        clock.advance(SCRIPT_PACE)
        await self.app.scheduler.run_due()

    def may_speak(self, user: str, group: str) -> bool:
        """What a real platform would refuse: banned, removed or muted members."""
        state = self.group(group)
        if user in state.banned:
            self.note("refused.banned", user=user, group=group)
            return False
        if (group, user) in self.departed:
            self.note("refused.departed", user=user, group=group)
            return False
        until = state.muted_until.get(user)
        if until is not None and until > self.app.clock.now().timestamp():
            when = self.local_time(datetime.fromtimestamp(until, self.app.clock.now().tzinfo))
            self.note("refused.muted", user=user, group=group, until=when)
            return False
        return True

    # -- adapter API -----------------------------------------------------------------------

    async def send(self, scene: Scene, message: Message) -> str:
        self.write(labelled(render(message), self._label(scene)))
        message_id = self.next_id()
        self.remember(message_id, BOT, message)
        self.history.add(scene.key, message_id)
        return message_id

    def _label(self, scene: Scene) -> str:
        """Empty for the scene you are in; else where the message went."""
        if scene.is_private:
            user = scene.name or scene.id
            if self.seat.group is None and self.seat.user == user:
                return ""
            return self.t("label.private", user=user)
        if scene.id == self.seat.group:
            return ""
        return self.t("label.group", group=scene.name or scene.id)

    async def kick(self, scene: Scene, user: User) -> None:
        await super().kick(scene, user)
        self.departed.add((scene.id, user.id))
        self.note("world.kick", user=user.id, group=scene.id)

    async def ban(self, scene: Scene, user: User) -> None:
        await super().ban(scene, user)
        self.departed.add((scene.id, user.id))
        self.note("world.ban", user=user.id, group=scene.id)

    async def mute(self, scene: Scene, user: User, seconds: int) -> None:
        await super().mute(scene, user, seconds)
        if seconds > 0:
            until = self.local_time(self.app.clock.now() + timedelta(seconds=seconds))
            self.note("world.mute", user=user.id, group=scene.id, until=until)
        else:
            self.note("world.unmute", user=user.id, group=scene.id)

    async def delete(self, scene: Scene, message_id: str) -> None:
        await super().delete(scene, message_id)
        self.note("world.delete", message_id=message_id, group=scene.id)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
