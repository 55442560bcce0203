"""The adapter's pieces on their own: builder, exporter, pacing, menu, settings, locales."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage
from aiogram.types import MessageEntity
from pydantic import ValidationError

from adapters.telegram import LOCALES, configured
from adapters.telegram.builder import segments
from adapters.telegram.commands import NAME, menu
from adapters.telegram.exporter import LongData, export, split
from adapters.telegram.pacing import Pacer, Window
from adapters.telegram.polling import next_offset
from adapters.telegram.settings import TelegramSettings
from shequn import App, Button, Buttons, Mention, Message, Plugin, Reply, Settings, Text, User

ROOT = Path(__file__).resolve().parents[3]


def entity(kind: str, offset: int, length: int) -> MessageEntity:
    return MessageEntity(type=kind, offset=offset, length=length)


# -- builder -------------------------------------------------------------------------------


def test_entities_are_cut_on_utf16_units() -> None:
    bob = User(platform="telegram", id="42", name="Bob")
    text = "😀😀 hi @bob, ok"  # each 😀 is two UTF-16 units
    built = segments(text, [entity("mention", 8, 4)], {"bob": bob}.get)
    assert list(built) == [Text("😀😀 hi "), Mention("42", "Bob"), Text(", ok")]


def test_unknown_mentions_and_bad_entities_stay_text() -> None:
    text = "@ghost hello"
    assert segments(text, [entity("mention", 0, 6)], lambda _: None).plain_text == text
    broken = [entity("mention", 50, 3), entity("mention", 0, 0), entity("bold", 0, 3)]
    assert list(segments(text, broken, lambda _: None)) == [Text(text)]


def test_odd_unicode_survives() -> None:
    text = "\u202e签到\U0001f9d1\u200d\U0001f4bb" * 200
    assert segments(text, [], lambda _: None).plain_text == text


# -- exporter ------------------------------------------------------------------------------


def test_mentions_become_text_mentions_at_utf16_offsets() -> None:
    out = export(Message(["🎉 ", Mention("42", "Bob"), " won"]), LongData(), "Choose:")
    (chunk,) = out.chunks
    assert chunk.text == "🎉 @Bob won"
    (mention,) = chunk.entities
    assert (mention.type, mention.offset, mention.length) == ("text_mention", 3, 4)
    assert mention.user is not None and mention.user.id == 42


def test_buttons_reply_and_empty_text() -> None:
    long = "x" * 100
    data = LongData()
    out = export(
        Message([Reply("77"), Buttons.of([Button("A", "a"), Button("B", long)])]), data, "Choose:"
    )
    assert out.reply_to == 77
    assert [c.text for c in out.chunks] == ["Choose:"]
    assert out.keyboard is not None
    first, second = out.keyboard.inline_keyboard[0]
    assert first.callback_data == "a"
    assert second.callback_data is not None and len(second.callback_data.encode()) <= 64
    assert data.restore(second.callback_data) == long
    assert data.restore("#unknown") is None


def test_long_text_is_split_without_breaking_characters() -> None:
    text = ("行" * 3000 + "\n") + "😀" * 3000
    chunks = split(text, [])
    assert "".join(c.text for c in chunks) == text
    assert all(len(c.text.encode("utf-16-le")) // 2 <= 4096 for c in chunks)
    assert chunks[0].text.endswith("\n")


# -- pacing --------------------------------------------------------------------------------


async def test_window_spaces_calls() -> None:
    window = Window(3, 0.3)
    started = time.monotonic()
    for _ in range(7):
        await window.acquire()
    assert time.monotonic() - started >= 0.6


async def test_pacer_keeps_order_and_drops_nothing_through_429() -> None:
    pacer = Pacer(group_per_minute=1000, overall_per_second=1000)
    delivered: list[int] = []
    refused = {2}

    def make(number: int):  # type: ignore[no-untyped-def]
        async def call() -> int:
            if number in refused:
                refused.discard(number)
                raise TelegramRetryAfter(
                    method=SendMessage(chat_id=1, text="x"), message="flood", retry_after=1
                )
            delivered.append(number)
            return number

        return call

    started = time.monotonic()
    results = await asyncio.gather(*(pacer.send("-1", True, make(n)) for n in range(6)))
    assert results == list(range(6))
    assert delivered == list(range(6))
    assert time.monotonic() - started >= 0.95
    assert pacer.retries == 1


async def test_group_limit_per_minute_holds_the_seventh() -> None:
    pacer = Pacer(group_per_minute=3, overall_per_second=1000)
    pacer._chat("-5", True).window.period = 0.5  # a "minute" of half a second

    async def call() -> None:
        return None

    started = time.monotonic()
    await asyncio.gather(*(pacer.send("-5", True, call) for _ in range(7)))
    assert time.monotonic() - started >= 1.0


def test_offsets_skip_updates_without_ids() -> None:
    assert next_offset(None, {"update_id": 5}) == 6
    assert next_offset(6, {"update_id": 3}) == 6
    assert next_offset(6, "junk") == 6
    assert next_offset(6, {"update_id": True}) == 6


# -- menu, settings, locales, light import -------------------------------------------------


def test_menu_has_only_names_telegram_allows(tmp_path: Path) -> None:
    plugin = Plugin("menuprobe")

    @plugin.command("good_name")
    async def good(ctx: object) -> None: ...

    @plugin.command("签到二")
    async def chinese(ctx: object) -> None: ...

    @plugin.command("good_name sub")
    async def sub(ctx: object) -> None: ...

    app = App(Settings(database={"url": f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"}))
    app.load_plugin(plugin)
    app.translator.load_directory("telegram", LOCALES)
    for locale in ("en", "zh-CN"):
        entries = menu(app, locale)
        assert all(NAME.match(e.command) and 0 < len(e.description) <= 256 for e in entries)
        names = {e.command for e in entries}
        assert "good_name" in names and "help" in names
        assert not any(" " in n or "签" in n for n in names)
    described = {e.command: e.description for e in menu(app, "zh-CN")}
    assert described["good_name"] == "/good_name 命令"


def test_settings_are_validated() -> None:
    assert TelegramSettings.model_validate({"token": "t"}).api_base == "https://api.telegram.org"
    with pytest.raises(ValidationError):
        TelegramSettings.model_validate({"token": "t", "api_base": "ftp://x"})
    with pytest.raises(ValidationError):
        TelegramSettings.model_validate(
            {"token": "t", "mode": "webhook", "webhook_url": "https://x/y"}
        )
    with pytest.raises(ValidationError):
        TelegramSettings.model_validate(
            {"token": "t", "mode": "webhook", "webhook_url": "https://x/y", "webhook_secret": "a b"}
        )
    hooked = TelegramSettings.model_validate(
        {"token": "t", "mode": "webhook", "webhook_url": "https://x", "webhook_secret": "ab"}
    )
    assert hooked.webhook_path == "/telegram"
    assert "s3cret" not in repr(TelegramSettings.model_validate({"token": "s3cret"}))


def test_configured_by_file_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEQUN_TELEGRAM__TOKEN", raising=False)
    assert not configured(Settings())
    assert configured(Settings(telegram={"token": "t"}))
    monkeypatch.setenv("SHEQUN_TELEGRAM__TOKEN", "t")
    assert configured(Settings())


def test_asking_whether_telegram_is_configured_imports_no_aiogram() -> None:
    code = (
        "import sys\n"
        "from shequn.internal.runtime import read_settings, select_adapters\n"
        "chosen = select_adapters(read_settings(None))\n"
        "assert [n for n, _ in chosen] == ['console'], chosen\n"
        "assert 'adapters.telegram' in sys.modules\n"
        "assert not any(m.split('.')[0] in ('aiogram', 'aiohttp') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith(('aiogram', 'aiohttp')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEQUN_")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


async def test_idle_chats_are_forgotten() -> None:
    from adapters.telegram import pacing

    pacer = Pacer(private_per_second=1000, overall_per_second=100_000)

    async def call() -> None:
        return None

    for chat in range(pacing.PRUNE_AT + 5):
        pacer._chat(str(chat), False).window.period = 0.0
        await pacer.send(str(chat), False, call)
    assert len(pacer._chats) < 10
