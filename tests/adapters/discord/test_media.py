"""Images on Discord: attachments and stickers reach plugins as Image segments after the
text, malformed ones are skipped, and a plugin's images go out as embeds, uploads or text."""

from __future__ import annotations

import logging
import zlib
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.exporter import MAX_EMBEDS, export
from adapters.discord.media import is_image
from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Context, Image, Message, MessageEvent, Plugin, Text
from tests.adapters.discord.conftest import ALICE, BOB, World, eventually

PNG_STICKER, LOTTIE_STICKER = 1, 3


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def watcher() -> tuple[Plugin, list[Message]]:
    """Records every message it sees; ``!show`` answers with images of every kind."""
    plugin = Plugin("imagewatch", title="Image watch")
    seen: list[Message] = []

    @plugin.on(MessageEvent, priority=0)
    async def record(ctx: Context) -> None:
        assert isinstance(ctx.event, MessageEvent)
        seen.append(ctx.event.message)

    return plugin, seen


def shower(images: list[Image]) -> Plugin:
    plugin = Plugin("imageshow", title="Image show")

    @plugin.command("show")
    async def show(ctx: Context) -> None:
        await ctx.reply(Message([Text("chart:"), *images]))

    return plugin


def _content(body: Any) -> str:
    return str((body or {}).get("content") or "")


async def test_a_picture_with_signin_signs_in_and_plugins_see_the_images(world: World) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = watcher()
    await world.start(signin_plugin, points_plugin, plugin)
    photo = fake.attachment("cat.png", "image/png", description="a cat")
    untyped = fake.attachment("dog.JPG", content_type=None)
    document = fake.attachment("rules.pdf", "application/pdf")
    unknown = fake.attachment("notes.txt", content_type=None)
    message = fake.message(guild, ALICE, "/signin", attachments=[photo, document, untyped, unknown])
    await fake.dispatch("MESSAGE_CREATE", message)
    [sent] = await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages")
    assert "alice" in _content(sent.body) and "streak" in _content(sent.body).lower()
    await eventually(lambda: len(seen) == 1)
    assert list(seen[0]) == [
        Text("/signin"),
        Image(photo["url"], alt="a cat"),
        Image(untyped["url"], alt="dog.JPG"),
    ]


async def test_stickers_are_images_or_their_name_when_no_image_exists(world: World) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = watcher()
    await world.start(plugin)
    wave = {"id": "749054660769218631", "name": "Wave", "format_type": LOTTIE_STICKER}
    frog = {"id": "816087792291282944", "name": "Frog", "format_type": PNG_STICKER}
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, ALICE, "", stickers=[frog]))
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, ALICE, "", stickers=[wave]))
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, BOB, "hi all", stickers=[wave]))
    await eventually(lambda: len(seen) == 3)
    # Messages are handled concurrently: they may arrive in any order.
    [frog_image] = [m[0] for m in seen if isinstance(m[0], Image)]
    assert frog_image.alt == "Frog"
    assert frog_image.url.endswith("/stickers/816087792291282944.png")
    texts = sorted(m.plain_text for m in seen if not isinstance(m[0], Image))
    assert texts == ["[Wave]", "hi all"]  # with text of its own, a Lottie sticker adds none
    assert all(len(m) == 1 for m in seen)


async def test_malformed_attachments_are_logged_and_skipped_the_text_still_counts(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    fake, guild = world.fake, world.guild
    plugin, seen = watcher()
    await world.start(signin_plugin, points_plugin, plugin)
    caplog.set_level(logging.WARNING, logger="shequn.discord")
    good = fake.attachment("ok.webp", "image/webp")
    broken: list[Any] = [
        {"id": "not-a-number", "filename": "x.png", "size": 1, "url": "u", "proxy_url": "u"},
        {"id": "5"},
        "a string",
        None,
        {**fake.attachment("y.png"), "waveform": 12},
    ]
    text = fake.message(guild, ALICE, "/signin", attachments=[*broken, good])
    text["sticker_items"] = [{"id": "1", "name": "no format"}, 7]
    await fake.dispatch("MESSAGE_CREATE", text)
    [sent] = await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages")
    assert "alice" in _content(sent.body)
    await eventually(lambda: len(seen) == 1)
    assert list(seen[0]) == [Text("/signin"), Image(good["url"], alt="ok.webp")]
    assert caplog.text.count("skipped a malformed Attachment") == len(broken)
    assert caplog.text.count("skipped a malformed StickerItem") == 2

    not_a_list = fake.message(guild, BOB, "/signin")
    not_a_list["attachments"] = {"id": "1"}
    await fake.dispatch("MESSAGE_CREATE", not_a_list)
    sent = (await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages", 2))[1]
    assert "bob" in _content(sent.body)
    assert "attachments are not a list" in caplog.text


async def test_a_plugin_image_goes_as_embed_upload_link_or_alt_text(
    world: World, tmp_path: Path
) -> None:
    fake, guild = world.fake, world.guild
    chart = tmp_path / "chart.png"
    chart.write_bytes(png_bytes())
    secret = tmp_path / "secret.png"
    secret.write_text("password=hunter2")  # named like an image, but is none
    images = [
        Image("https://example.org/a.png"),
        Image(chart.as_uri(), alt="the chart"),
        Image("telegram:sticker:CAACAg", alt="a sticker"),
        Image(secret.as_uri(), alt="no secret"),
        Image(str(tmp_path / "missing.png"), alt="gone"),
    ]
    await world.start(shower(images))
    await fake.dispatch("MESSAGE_CREATE", fake.message(guild, ALICE, "!show"))
    [sent] = await fake.wait_for("POST", f"/channels/{guild.channel_id}/messages")
    assert [e["image"]["url"] for e in sent.body["embeds"]] == ["https://example.org/a.png"]
    assert sent.files == [("chart.png", png_bytes())]
    assert _content(sent.body) == "chart\\:a stickerno secretgone"  # alt text, escaped
    assert b"hunter2" not in b"".join(data for _, data in sent.files)


def test_more_images_than_embeds_go_as_links_and_edits_never_upload(tmp_path: Path) -> None:
    urls = [f"https://example.org/{n}.png" for n in range(MAX_EMBEDS + 2)]
    [part] = export(Message([Image(url) for url in urls]))
    assert part.images == urls[:MAX_EMBEDS]
    assert part.content.split() == urls[MAX_EMBEDS:]

    chart = tmp_path / "c.png"
    chart.write_bytes(png_bytes())
    [edited] = export(Message([Image(str(chart), alt="the *chart*")]), uploads=False)
    assert (edited.files, edited.content) == ([], "the \\*chart\\*")
    [sent] = export(Message([Image(str(chart), alt="the chart")]))
    assert sent.files == [("c.png", png_bytes())] and "files" in sent.kwargs()


@pytest.mark.parametrize(
    ("content_type", "filename", "expected"),
    [
        ("image/png", "x.bin", True),
        ("IMAGE/GIF; charset=binary", "x", True),
        ("application/pdf", "x.png", False),
        (None, "photo.JPEG", True),
        (None, "archive.tar.gz", False),
        ("", "noext", False),
    ],
)
def test_what_counts_as_an_image(content_type: str | None, filename: str, expected: bool) -> None:
    assert is_image(content_type, filename) is expected


def test_unicode_digit_ids_are_text_not_a_crash() -> None:
    from shequn import Mention, Reply

    [part] = export(Message([Mention("²", "two"), Reply("١٢"), Text("!")]))
    assert (part.content, part.mentions, part.reply_to) == ("\\@two\\!", [], None)
