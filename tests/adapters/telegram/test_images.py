"""Incoming images (photos, image files, stickers) as Image segments, and sent back by file id:
real aiogram over HTTP against the local fake Bot API."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Context, Image, Message, MessageEvent, Plugin, Text
from tests.adapters.telegram.conftest import MakeTelegram
from tests.adapters.telegram.fake_bot_api import FakeBotAPI, person, supergroup

ALICE = person(1001, "Alice", "alice")
GROUP = supergroup(-100777, "Lounge")
SIZES = [
    {"file_id": "small", "file_unique_id": "s1", "width": 90, "height": 60},
    {"file_id": "large", "file_unique_id": "s3", "width": 1280, "height": 853},
    {"file_id": "medium", "file_unique_id": "s2", "width": 320, "height": 213},
]


def with_media(api: FakeBotAPI, **media: Any) -> dict[str, Any]:
    """A message without text, carrying ``media`` (``photo=...``, ``caption=...``)."""
    message = api.message("", user=ALICE, chat=GROUP)
    del message["text"]
    return {**message, **media}


def echo() -> tuple[Plugin, list[Message]]:
    """Records every message and sends its images back."""
    plugin = Plugin("echo", title="Echo")
    seen: list[Message] = []

    @plugin.on(MessageEvent)
    async def images(ctx: Context) -> None:
        assert isinstance(ctx.event, MessageEvent)
        seen.append(ctx.event.message)
        found = [s for s in ctx.event.message if isinstance(s, Image)]
        if found:
            await ctx.reply(Message([*found, "got it"]))

    return plugin, seen


async def test_a_photo_captioned_signin_runs_the_command(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    await telegram(signin_plugin, points_plugin)
    await api.push(message=with_media(api, photo=SIZES, caption="/signin"))
    (answer,) = await api.wait_for("sendMessage")
    assert "signed in" in str(answer["text"])


async def test_images_reach_a_plugin_and_go_back_by_file_id(
    api: FakeBotAPI, telegram: MakeTelegram
) -> None:
    plugin, seen = echo()
    bot = await telegram(plugin)
    await api.push(message=with_media(api, photo=SIZES, caption="look"))
    document = {"file_id": "doc1", "file_unique_id": "d1", "mime_type": "image/png"}
    await api.push(message=with_media(api, document={**document, "file_name": "cat.png"}))
    pdf = {"file_id": "doc2", "file_unique_id": "d2", "mime_type": "application/pdf"}
    await api.push(message=with_media(api, document=pdf))
    sticker = {
        "file_id": "stk1",
        "file_unique_id": "k1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "😺",
    }
    await api.push(message=with_media(api, sticker=sticker))
    await api.wait_for("sendSticker")
    await bot.settle()

    assert seen == [
        Message([Text("look"), Image("large")]),  # the largest size
        Message([Image("telegram:document:doc1", alt="cat.png")]),
        Message([Image("telegram:sticker:stk1", alt="😺")]),
    ]  # the PDF is not an image: no event
    (photo,) = api.calls_of("sendPhoto")
    assert (photo["photo"], photo["caption"]) == ("large", "got it")
    (sent_document,) = api.calls_of("sendDocument")
    assert (sent_document["document"], sent_document["caption"]) == ("doc1", "got it")
    (sent_sticker,) = api.calls_of("sendSticker")
    assert sent_sticker["sticker"] == "stk1" and "caption" not in sent_sticker
    # A sticker takes no caption: the text follows as a message of its own.
    assert [m["text"] for m in api.calls_of("sendMessage")] == ["got it"]


@pytest.mark.parametrize(
    "media",
    [
        {"photo": [{"file_id": 5}]},
        {"photo": "not a list"},
        {"sticker": {"file_id": "x"}},
        {"document": {"file_id": None, "mime_type": "image/png"}},
    ],
)
async def test_a_malformed_image_is_logged_and_its_caption_still_read(
    api: FakeBotAPI,
    telegram: MakeTelegram,
    caplog: pytest.LogCaptureFixture,
    media: dict[str, Any],
) -> None:
    plugin, seen = echo()
    bot = await telegram(plugin, signin_plugin, points_plugin)
    with caplog.at_level(logging.WARNING, logger="shequn.telegram"):
        await api.push(message=with_media(api, caption="/signin", **media))
        await api.push(message=with_media(api, photo=[], caption="/signin"))
        await api.wait_for("sendMessage", 2)
        await bot.settle()
    # The broken image is dropped (and its field named in the log); the caption is not.
    assert "read partly; skipped what failed: message." in caplog.text
    assert seen == [Message([Text("/signin")])] * 2
    assert len(api.calls_of("sendMessage")) == 2
