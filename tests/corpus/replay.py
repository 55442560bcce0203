"""Load the corpus and check what the app made of each payload.

A corpus file is ``{"payload": ..., "expect": {...}}``; ``expect`` names the core event the
payload must become (only the fields it lists are compared) or gives ``skip`` with the reason
it is left out on purpose. An ``xfail`` key marks a payload that shows a bug not yet fixed:
the test is then expected to fail, strictly, so a fix is noticed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from shequn import App, Event, Image, Mention, MessageEvent

ROOT = Path(__file__).resolve().parent

Json = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    name: str
    payload: Any
    expect: Json
    extra: Json

    @property
    def skipped(self) -> bool:
        return "skip" in self.expect


def entries(family: str) -> list[Entry]:
    """Every payload of one platform family, in file-name order."""
    found = []
    for path in sorted((ROOT / family).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        extra = {k: v for k, v in data.items() if k not in ("payload", "expect")}
        found.append(Entry(path.stem, data["payload"], data["expect"], extra))
    return found


def params(family: str) -> list[Any]:
    """``pytest.param`` per payload, strictly xfailed where the expectation says so."""
    out = []
    for entry in entries(family):
        marks = []
        if "xfail" in entry.expect:
            marks.append(pytest.mark.xfail(strict=True, reason=entry.expect["xfail"]))
        out.append(pytest.param(entry, id=entry.name, marks=marks))
    return out


@dataclass
class Recorder:
    """Every event handed to the dispatcher, before de-duplication, the bot's-own filter or
    any middleware can drop it: what the adapter made of the payload."""

    events: list[Event] = field(default_factory=list)

    def install(self, app: App) -> None:
        dispatch = app.dispatcher.dispatch

        async def record(event: Event) -> None:
            self.events.append(event)
            await dispatch(event)

        app.dispatcher.dispatch = record  # type: ignore[method-assign]


def _kind(event: Event) -> str:
    return type(event).__name__


def check(entry: Entry, events: list[Event]) -> None:
    """``events`` is what the payload became; compare it with the expectation."""
    expect = entry.expect
    if entry.skipped:
        assert events == [], f"{entry.name} should be skipped ({expect['skip']}): {events}"
        return
    assert len(events) == 1, f"{entry.name}: expected one {expect['event']}, got {events}"
    (event,) = events
    assert _kind(event) == expect["event"], f"{entry.name}: {event}"
    actual = describe(event)
    wanted = {k: v for k, v in expect.items() if k in actual}
    unknown = set(expect) - set(actual) - {"event", "xfail", "reply_contains", "note"}
    assert not unknown, f"{entry.name}: expectation keys not understood: {unknown}"
    got = {k: actual[k] for k in wanted}
    assert got == wanted, f"{entry.name}: {event}"


def describe(event: Event) -> Json:
    """The comparable facts of an event, in the corpus's terms."""
    facts: Json = {
        "id": event.id,
        "platform": event.platform,
        "scene_kind": event.scene.kind.value,
        "scene_id": event.scene.id,
        "guild_id": event.scene.parent.id if event.scene.parent else None,
        "user_id": event.user.id,
        "user_name": event.user.name,
        "user_is_bot": event.user.is_bot,
        "self_id": event.self_id,
    }
    if isinstance(event, MessageEvent):
        facts.update(
            text=event.text,
            message_id=event.message_id,
            mentions=[s.user_id for s in event.message if isinstance(s, Mention)],
            images=len([s for s in event.message if isinstance(s, Image)]),
            reply_to=event.reply_to,
            to_me=event.to_me,
            quoted_user=(event.quoted.user.id if event.quoted and event.quoted.user else None),
        )
    for name in ("inviter", "operator"):
        if hasattr(event, name):
            who = getattr(event, name)
            facts[name] = who.id if who is not None else None
    for name in ("invited_via", "kicked", "data", "seconds", "comment", "request_id"):
        if hasattr(event, name):
            facts[name] = getattr(event, name)
    return facts


def check_logs(entry: Entry, records: list[logging.LogRecord]) -> None:
    """No payload may log an error; a skipped one logs at most at INFO."""
    worst = max((r.levelno for r in records), default=logging.NOTSET)
    shown = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in records)
    assert worst < logging.ERROR, f"{entry.name} logged an error:\n{shown}"
    if entry.skipped:
        assert worst <= logging.INFO, f"{entry.name} (skipped) logged above INFO:\n{shown}"
