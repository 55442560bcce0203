"""Meta-lines: ``:as``, ``:join``, ``:clock``... simulate the world around the bot.

Each returns False only to end the console (``:quit``). What they change is confirmed by a
note (``# ...``) before any reply of the bot that the change caused.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from adapters.console.builder import META, PASTE_END, MetaLine, Paste
from adapters.console.exporter import as_note, render
from adapters.console.world import valid_name
from shequn import SimulatedClock, parse_duration

if TYPE_CHECKING:
    from adapters.console.adapter import ConsoleAdapter

Handler = Callable[["ConsoleAdapter", tuple[str, ...]], Awaitable[bool]]
LineHandler = Callable[["ConsoleAdapter", MetaLine], Awaitable[bool]]
"""For meta-lines that carry a message and need the line as typed (``:reply 1 TEXT``)."""

LISTED = 5
"""Messages ``:reply`` without a number lists."""
SHOWN_CHARS = 60


@dataclass(frozen=True, slots=True)
class MetaCommand:
    name: str
    usage: str
    """Shown by ``:help`` and on wrong use, e.g. ``:join NAME [by INVITER]``."""
    run: LineHandler
    aliases: tuple[str, ...] = ()


COMMANDS: dict[str, MetaCommand] = {}
_ALIASES: dict[str, MetaCommand] = {}


def _register(command: MetaCommand) -> None:
    COMMANDS[command.name] = command
    for word in (command.name, *command.aliases):
        _ALIASES[word] = command


def meta(name: str, usage: str, *aliases: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        async def run(console: ConsoleAdapter, line: MetaLine) -> bool:
            return await handler(console, line.args)

        _register(MetaCommand(name, META + usage, run, aliases))
        return handler

    return register


def meta_line(name: str, usage: str, *aliases: str) -> Callable[[LineHandler], LineHandler]:
    def register(handler: LineHandler) -> LineHandler:
        _register(MetaCommand(name, META + usage, handler, aliases))
        return handler

    return register


async def run_meta(console: ConsoleAdapter, line: MetaLine) -> bool:
    command = _ALIASES.get(line.name)
    if command is None:
        close = difflib.get_close_matches(line.name, list(_ALIASES), n=1)
        if close:
            console.note("unknown.suggest", name=META + line.name, suggestion=META + close[0])
        else:
            console.note("unknown", name=META + line.name)
        return True
    return await command.run(console, line)


def _usage(console: ConsoleAdapter, name: str) -> bool:
    console.note("usage", usage=COMMANDS[name].usage)
    return True


def _name_ok(console: ConsoleAdapter, name: str) -> bool:
    if valid_name(name):
        return True
    console.note("bad_name", name=name[:64])
    return False


def _in_group(console: ConsoleAdapter) -> str | None:
    """The current group, or None (with a note) when talking privately."""
    if console.seat.group is None:
        console.note("needs_group")
    return console.seat.group


# -- help and leaving ----------------------------------------------------------------------


@meta("help", "help", "?", "h")
async def _help(console: ConsoleAdapter, _args: tuple[str, ...]) -> bool:
    width = max(len(c.usage) for c in COMMANDS.values())
    lines = [console.t("help.header")]
    lines.extend(f"  {c.usage:<{width}}  {console.t('help.' + c.name)}" for c in COMMANDS.values())
    lines.append(f"  {META + META + 'TEXT':<{width}}  {console.t('help.escape')}")
    lines.append(console.t("help.footer"))
    console.write(as_note("\n".join(lines)))
    return True


@meta("quit", "quit", "exit", "q")
async def _quit(_console: ConsoleAdapter, _args: tuple[str, ...]) -> bool:
    return False


# -- who and where -------------------------------------------------------------------------


@meta("as", "as NAME")
async def _as(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if len(args) != 1:
        return _usage(console, "as")
    if _name_ok(console, args[0]):
        console.seat.user = args[0]
        console.note("as", user=args[0], where=console.where())
    return True


@meta("group", "group [NAME]")
async def _group(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if len(args) > 1:
        return _usage(console, "group")
    name = args[0] if args else console.seat.last_group
    if _name_ok(console, name):
        console.seat.go_to_group(name)
        console.group(name)
        console.note("as", user=console.seat.user, where=console.where())
    return True


@meta("private", "private", "pm")
async def _private(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if args:
        return _usage(console, "private")
    console.seat.go_private()
    console.note("as", user=console.seat.user, where=console.where())
    return True


@meta("who", "who")
async def _who(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if args:
        return _usage(console, "who")
    group = _in_group(console)
    if group is None:
        return True
    state = console.group(group)
    now = console.app.clock.now().timestamp()
    people = []
    for member in sorted(state.members):
        if member == state.owner:
            people.append(f"{member} ({console.t('role.owner')})")
        elif member in state.admins:
            people.append(f"{member} ({console.t('role.admin')})")
        elif state.muted_until.get(member, 0.0) > now:
            people.append(f"{member} ({console.t('role.muted')})")
        else:
            people.append(member)
    console.note("who", group=group, members=", ".join(people) or "-")
    return True


# -- membership and roles ------------------------------------------------------------------


@meta("join", "join NAME [by INVITER]")
async def _join(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if len(args) not in (1, 3) or (len(args) == 3 and args[1].lower() != "by"):
        return _usage(console, "join")
    group = _in_group(console)
    if group is None or not all(_name_ok(console, name) for name in args[::2]):
        return True
    name, inviter = args[0], (args[2] if len(args) == 3 else None)
    if name in console.group(group).banned:
        console.note("refused.banned", user=name, group=group)
        return True
    if name in console.group(group).members and (group, name) not in console.departed:
        console.note("already_member", user=name, group=group)
        return True
    console.departed.discard((group, name))
    if inviter is None:
        console.note("joined", user=name, group=group)
    else:
        console.note("joined_by", user=name, group=group, inviter=inviter)
    await console.app.dispatch(console.join_event(name, group, inviter))
    return True


@meta("leave", "leave [NAME]")
async def _leave(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if len(args) > 1:
        return _usage(console, "leave")
    group = _in_group(console)
    name = args[0] if args else console.seat.user
    if group is None or not _name_ok(console, name):
        return True
    if name not in console.group(group).members:
        console.note("not_member", user=name, group=group)
        return True
    console.departed.add((group, name))
    console.note("left", user=name, group=group)
    await console.app.dispatch(console.leave_event(name, group))
    return True


async def _set_role(console: ConsoleAdapter, args: tuple[str, ...], role: str) -> bool:
    if len(args) > 1:
        return _usage(console, role)
    group = _in_group(console)
    name = args[0] if args else console.seat.user
    if group is None or not _name_ok(console, name):
        return True
    state = console.group(group)
    state.admins.discard(name)
    if state.owner == name:
        state.owner = None
    if role == "admin":
        state.admins.add(name)
    elif role == "owner":
        state.owner = name
    state.members.add(name)
    console.note("became." + role, user=name, group=group)
    return True


@meta("admin", "admin [NAME]")
async def _admin(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    return await _set_role(console, args, "admin")


@meta("owner", "owner [NAME]")
async def _owner(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    return await _set_role(console, args, "owner")


@meta("member", "member [NAME]")
async def _member(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    return await _set_role(console, args, "member")


# -- messages ------------------------------------------------------------------------------


@meta("paste", "paste")
async def _paste(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    if args:
        return _usage(console, "paste")
    _start_paste(console, None)
    return True


def _start_paste(console: ConsoleAdapter, reply_to: str | None) -> None:
    console.paste = Paste(reply_to=reply_to)
    console.note("paste.start", end=PASTE_END)


@meta_line("reply", "reply [N [TEXT]]", "re")
async def _reply(console: ConsoleAdapter, line: MetaLine) -> bool:
    """``:reply N TEXT``: reply to the N-th latest message here; ``:reply N``: paste the
    reply; ``:reply``: list the latest messages with their numbers."""
    scene = console.current_scene().key
    if not line.args:
        _list_recent(console, scene)
        return True
    number = line.args[0]
    if not number.isdecimal():
        return _usage(console, "reply")
    message_id = console.history.back(scene, int(number))
    if message_id is None:
        console.note("reply.none", number=number)
        return True
    text = line.rest[len(number) :].strip()
    if not text:
        _start_paste(console, message_id)
    else:
        await console.say(text, reply_to=message_id)
    return True


def _list_recent(console: ConsoleAdapter, scene: str) -> None:
    ids = console.history.latest(scene, LISTED)
    if not ids:
        console.note("reply.nothing")
        return
    lines = [console.t("reply.header")]
    for number, message_id in enumerate(ids, start=1):
        known = console.recent.get(message_id)
        if known is None:
            continue
        author, message = known
        text = " ".join(render(message).split())
        if len(text) > SHOWN_CHARS:
            text = text[: SHOWN_CHARS - 1] + "…"
        lines.append(f"  {number}. {author.display_name}: {text}")
    console.write(as_note("\n".join(lines)))


# -- time ----------------------------------------------------------------------------------


@meta("clock", "clock [+DURATION | DATE]", "time")
async def _clock(console: ConsoleAdapter, args: tuple[str, ...]) -> bool:
    clock = console.app.clock
    if not args:
        console.note("clock.now", time=console.local_time())
        return True
    if not isinstance(clock, SimulatedClock):
        console.note("clock.system")
        return True
    target = _target_time(console, " ".join(args))
    if target is None:
        return _usage(console, "clock")
    if target < clock.now():
        console.note("clock.backwards", time=console.local_time())
        return True
    clock.set(target)
    console.note("clock.moved", time=console.local_time())
    ran = await console.app.scheduler.run_due()
    if ran:
        console.note("clock.jobs", count=ran)
    return True


def _target_time(console: ConsoleAdapter, text: str) -> datetime | None:
    """``+1d`` / ``90m`` from now, or a moment (local to the current group if naive)."""
    delta = parse_duration(text) if not text.startswith("-") else None
    if delta is not None:
        return console.app.clock.now() + delta
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        zone = console.app.group_timezone(console.current_scene().group_key)
        moment = moment.replace(tzinfo=zone)
    return moment
