"""What a member's text can become in the bot's messages: on every platform, only text.

Each exporter gets every string of :data:`HOSTILE` (alone, and inside bot text beside a real
mention) and the test reads its output as the platform would:

- Discord: a small model of Discord's markdown (its escape and web-address rules, from the
  simple-markdown grammar its clients use) says what a reader sees and which characters are
  left to act as markdown; none may form a masked link, a mention, channel or timestamp,
  ``@everyone``, formatting or a line-start construct, what is seen is exactly what was
  typed, and ``allowed_mentions`` never allows everyone or roles.
- Telegram: text goes without a parse mode, so nothing is markup; the only entities are the
  mentions of :class:`Mention` segments. (Telegram still makes visible addresses, @usernames,
  #hashtags and /commands clickable, as in any member's own message: what they show is what
  they open.)
- QQ (OneBot v11) and WeChat (v12): messages go as segment arrays, which an implementation
  takes as they are (only a message sent as a string has its CQ codes read), so the text stays
  in ``text`` segments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nonebot.adapters.onebot.v11 import Message as V11Message
from nonebot.utils import DataclassEncoder

from adapters.discord.exporter import Part
from adapters.discord.exporter import export as discord_export
from adapters.qq.exporter import export as qq_export
from adapters.telegram.exporter import LongData
from adapters.telegram.exporter import export as telegram_export
from adapters.wechat.exporter import export as wechat_export
from plugins.points import plugin as points_plugin
from plugins.signin import plugin as signin_plugin
from shequn import Mention, Message
from tests.adapters.discord.conftest import World, world  # noqa: F401 - the fixture
from tests.adapters.hostile_strings import HOSTILE
from tests.fuzz.strategies import FUZZ, odd_text

CASES = [pytest.param(text, id=name) for name, text in HOSTILE.items()]
MEMBER_ID = "123"


def messages(text: str) -> list[Message]:
    """The hostile text alone, and interpolated into bot text after a real mention."""
    return [
        Message([text]),
        Message([Mention(MEMBER_ID, "x"), f" saved a note: {text} (by {text})"]),
    ]


def well_formed(text: str) -> str:
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# -- Discord ---------------------------------------------------------------------------------

JS_SPACE = "\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
"""JavaScript's ``\\s``: Discord's rules are JavaScript regular expressions."""
ESCAPE = re.compile(rf"\\([^0-9A-Za-z{JS_SPACE}])")
ADDRESS = re.compile(rf"https?://[^{JS_SPACE}<]+[^<.,:;\"')\]{JS_SPACE}]")
AUTOLINK = re.compile(r"<([^: >]+:/[^ >]+)>")
MAILTO = re.compile(r"<([^ >]+@[^ >]+)>")
"""Links in angle brackets: they read the raw text, backslashes and all."""
ACTIVE = {
    "masked link": re.compile(r"\[[^\]]*\]\("),
    "mention, channel, emoji or timestamp": re.compile(r"<[^<>]*>"),
    "everyone": re.compile(r"@(everyone|here)"),
    "formatting": re.compile(r"[*_~`|]"),
    "line start": re.compile(r"(?m)^[ \t]*(?:[#>+*-]|\d+\.)"),
}
"""Markdown that could still act on the characters left unescaped outside web addresses."""


@dataclass
class Rendered:
    shown: str
    """What a reader sees."""
    loose: str
    """The characters markdown could act on: escaped ones and web addresses blanked out."""


def discord_render(content: str) -> Rendered:
    content = re.sub(r"\r\n?", "\n", content).replace("\f", "")  # Discord's preprocessing
    shown: list[str] = []
    loose: list[str] = []
    at = 0
    while at < len(content):
        if found := ESCAPE.match(content, at):
            shown.append(found[1])
            loose.append("\x00")
        elif found := ADDRESS.match(content, at):
            shown.append(found[0])
            loose.append("\x01")
        elif found := AUTOLINK.match(content, at) or MAILTO.match(content, at):
            shown.append(found[1])
            loose.append("<link>")
        else:
            shown.append(content[at])
            loose.append(content[at])
        at = found.end() if found else at + 1
    return Rendered("".join(shown), "".join(loose))


def active_markdown(content: str) -> list[str]:
    loose = discord_render(content).loose
    return [name for name, pattern in ACTIVE.items() if pattern.search(loose)]


def assert_only_text(parts: list[Part], text: str, mention: str | None = None) -> None:
    """``parts`` show exactly ``text`` (after ``mention``, if any), nothing else is active."""
    shown = []
    for index, part in enumerate(parts):
        content = part.content
        if index == 0 and mention is not None:
            assert content.startswith(f"<@{mention}>")
            content = content.removeprefix(f"<@{mention}>")
        assert len(part.content) <= 2000
        assert active_markdown(content) == [], content
        allowed = part.allowed_mentions().to_dict()
        assert allowed["parse"] == []  # neither everyone nor roles
        assert allowed["users"] == ([int(mention)] if mention else [])
        shown.append(discord_render(content).shown)
    expected = re.sub(r"\r\n?", "\n", well_formed(text)).replace("\f", "")
    assert invisible("".join(shown)) == invisible(expected)


def invisible(text: str) -> str:
    """``text`` without the line breaks, zero-width spaces and U+FEFF the exporter may add."""
    return re.sub("[\n\u200b\ufeff]", "", text)


def test_the_discord_model_sees_the_markdown_it_should() -> None:
    """The reader above is no rubber stamp: raw hostile text is active markdown to it."""
    assert active_markdown("[a] [Claim](https://evil.example)") == ["masked link"]
    assert active_markdown("\\[a] [Claim](https://evil.example)") == ["masked link"]
    assert active_markdown("see <t:0:R> and @everyone") == [
        "mention, channel, emoji or timestamp",
        "everyone",
    ]
    assert active_markdown("https://ok.example/*x* but *y*") == ["formatting"]
    assert active_markdown("ok\n-# small") == ["line start"]
    assert active_markdown("\\[a\\]\\(https://ok.example) \\@everyone") == []
    # An address takes a backslash right after it into the link: the ``<`` is left bare.
    assert active_markdown("https://ok.example\\<a\\@b\\>") == [
        "mention, channel, emoji or timestamp"
    ]


@pytest.mark.parametrize("text", CASES)
def test_discord_shows_member_text_as_typed(text: str) -> None:
    plain, interpolated = messages(text)
    assert_only_text(discord_export(plain), text)
    assert_only_text(
        discord_export(interpolated),
        f" saved a note: {text} (by {text})",
        mention=MEMBER_ID,
    )


def test_discord_keeps_web_addresses_clickable() -> None:
    """An address is left as it is (a backslash in it would change it), with its final
    punctuation outside the link, as Discord reads it."""
    [part] = discord_export(Message(["See https://ok.example/a_b?c=(1). Or (https://x.example)."]))
    rendered = discord_render(part.content)
    assert ADDRESS.findall(part.content) == ["https://ok.example/a_b?c=(1", "https://x.example"]
    assert rendered.shown == "See https://ok.example/a_b?c=(1). Or (https://x.example)."


markdownish = st.text(alphabet="https:/<>[]()\\.,*_~`|@#- \n\ufeff\x1fa1", max_size=40)
"""Addresses and markdown characters packed close, where escaping is hardest to get right."""


@FUZZ
@given(
    st.lists(st.one_of(odd_text, markdownish, st.sampled_from(list(HOSTILE.values()))), max_size=6)
)
def test_discord_fuzzed_text_stays_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert_only_text(discord_export(Message(pieces)), text)


async def test_discord_member_name_and_note_over_the_wire(world: World) -> None:  # noqa: F811
    """A member whose name and sign-in note are hostile: the bot's replies, as Discord
    receives them, show them as text and may ping nobody but whom they mention."""
    fake = world.fake
    name = "[a] [Claim](https://evil.example) @everyone"
    note = "[Claim your prize](https://evil.example) <@&1> <t:0:R> ||x|| # hi"
    mallory = ("100000000000000009", name)
    fake.add_member(world.guild, *mallory)
    await world.start(signin_plugin, points_plugin)
    channel = f"/channels/{world.guild.channel_id}/messages"
    await fake.dispatch("MESSAGE_CREATE", fake.message(world.guild, mallory, f"!signin {note}"))
    await fake.wait_for("POST", channel)
    await fake.dispatch("MESSAGE_CREATE", fake.message(world.guild, mallory, "!signin notes"))
    sent = await fake.wait_for("POST", channel, 2)
    for call in sent:
        assert call.body["allowed_mentions"]["parse"] == []
        assert active_markdown(call.body["content"]) == [], call.body["content"]
    listed = discord_render(sent[1].body["content"]).shown.replace("\u200b", "")
    assert f"{name}: {note}" in listed


# -- Telegram --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", CASES)
def test_telegram_sends_member_text_as_plain_text(text: str) -> None:
    plain, interpolated = messages(text)
    sent = telegram_export(plain, LongData(), "·")
    assert "".join(c.text for c in sent.chunks) == well_formed(text)
    assert all(c.entities == () for c in sent.chunks)
    sent = telegram_export(interpolated, LongData(), "·")
    assert "".join(c.text for c in sent.chunks) == well_formed(
        f"@x saved a note: {text} (by {text})"
    )
    entities = [e for c in sent.chunks for e in c.entities]
    assert [(e.type, e.offset, e.length, e.user and e.user.id) for e in entities] == [
        ("text_mention", 0, 2, int(MEMBER_ID))
    ]


# -- QQ and WeChat ---------------------------------------------------------------------------


def onebot_reads(message: object) -> list[dict[str, object]]:
    """The segments an implementation takes from a sent ``message`` (as JSON): an array as it
    is, a string by its CQ codes."""
    wire = json.loads(json.dumps(message, cls=DataclassEncoder))
    if isinstance(wire, str):
        return [{"type": s.type, "data": s.data} for s in V11Message(wire)]
    assert isinstance(wire, list)
    return wire


@pytest.mark.parametrize("text", CASES)
def test_qq_sends_member_text_as_text_segments(text: str) -> None:
    plain, interpolated = messages(text)
    assert onebot_reads(qq_export(plain)) == [{"type": "text", "data": {"text": text}}]
    read = onebot_reads(qq_export(interpolated))
    assert read[0] == {"type": "at", "data": {"qq": MEMBER_ID}}
    assert [s["type"] for s in read[1:]] == ["text"]


def test_the_onebot_reader_would_see_a_cq_string() -> None:
    """Had the exporter sent a string, the CQ codes in it would be read."""
    assert [s["type"] for s in onebot_reads("hi [CQ:at,qq=all]")] == ["text", "at"]


@pytest.mark.parametrize("text", CASES)
def test_wechat_sends_member_text_as_text_segments(text: str) -> None:
    plain, interpolated = messages(text)
    wire = json.loads(json.dumps(wechat_export(plain, {}), cls=DataclassEncoder))
    assert wire == [{"type": "text", "data": {"text": text}}]
    wire = json.loads(json.dumps(wechat_export(interpolated, {}), cls=DataclassEncoder))
    assert [s["type"] for s in wire] == ["mention", "text"]
