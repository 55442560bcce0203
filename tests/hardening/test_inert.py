"""Whatever members type — zero-width and right-to-left characters, ``@everyone``, CQ codes,
HTML and markdown, SQL — comes out as plain text, pings nobody and reaches no query."""

from __future__ import annotations

import discord
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.exporter import export as discord_export
from adapters.qq.exporter import export as qq_export
from adapters.telegram.exporter import LongData
from adapters.telegram.exporter import export as telegram_export
from adapters.wechat.exporter import export as wechat_export
from plugins.quotes import plugin as quotes
from plugins.signin import plugin as signin
from plugins.titles import plugin as titles
from shequn import Mention, Message, Text
from shequn.internal.i18n import render
from shequn.testing import Harness
from tests.fuzz.strategies import FUZZ, odd_text

HOSTILE = "\u202eevil\u200b @everyone @here [CQ:at,qq=all] <b>x</b> *y* `z` &amp; {name.__class__}"
message_parts = st.lists(
    st.one_of(odd_text.map(Text), st.builds(Mention, st.integers(1, 10**12).map(str), odd_text)),
    max_size=5,
).map(Message)


@FUZZ
@given(message_parts)
def test_onebot_exports_text_as_text_segments_only(message: Message) -> None:
    wanted_mentions = [s.user_id for s in message if isinstance(s, Mention)]
    for exported, mention_kind, mention_key in (
        (qq_export(message), "at", "qq"),
        (wechat_export(message, {}), "mention", "user_id"),
    ):
        kinds = {segment.type for segment in exported}
        assert kinds <= {"text", mention_kind}
        mentioned = [str(s.data[mention_key]) for s in exported if s.type == mention_kind]
        assert mentioned == wanted_mentions
        texts = "".join(str(s.data["text"]) for s in exported if s.type == "text")
        assert texts == "".join(s.text for s in message if isinstance(s, Text))


@FUZZ
@given(message_parts)
def test_discord_pings_only_mentioned_users(message: Message) -> None:
    wanted = {int(s.user_id) for s in message if isinstance(s, Mention)}
    for part in discord_export(message):
        allowed = part.allowed_mentions()
        assert allowed.everyone is False and allowed.roles is False
        assert {u.id for u in allowed.users} <= wanted  # type: ignore[union-attr]
        assert "@everyone" not in part.content and "@here" not in part.content


@FUZZ
@given(message_parts)
def test_telegram_sends_without_markup(message: Message) -> None:
    out = telegram_export(message, LongData(), "-")
    sent = "".join(chunk.text for chunk in out.chunks)
    for segment in message:
        if isinstance(segment, Text) and segment.text.strip():
            assert segment.text.strip() in sent or len(sent) > 4096
    kinds = {e.type for chunk in out.chunks for e in chunk.entities}
    assert kinds <= {"text_mention"}


def test_discord_escapes_markdown_and_mass_mentions() -> None:
    (part,) = discord_export(Message([Text(HOSTILE)]))
    assert "@everyone" not in part.content and "\\*y\\*" in part.content
    assert part.allowed_mentions().everyone is False
    assert isinstance(part.allowed_mentions(), discord.AllowedMentions)


def test_rendered_values_lose_direction_overrides_and_templates_stay_literal() -> None:
    text = render("Hi {name}! {name.__class__} {missing}", {"name": HOSTILE})
    assert "\u202e" not in text and "evil\u200b" in text  # zero-width space: harmless
    assert "{name.__class__}" in text and "{missing}" in text and "<class" not in text
    assert render("{name}", {"name": "👨\u200d👩\u200d👧"}) == "👨\u200d👩\u200d👧"  # joiners kept


async def test_hostile_names_titles_quotes_and_searches(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(signin, quotes, titles, superusers=["test:admin"])
    name = HOSTILE
    bot.platform.group("group").admins.add("admin")
    event = bot.platform.message_event("mallory", "/signin", "group", None, None)
    event = type(event)(
        **{**_fields(event), "user": type(event.user)(platform="test", id="mallory", name=name)}
    )
    replies = await bot.deliver(event)
    assert replies and all("\u202e" not in r for r in replies)
    assert await bot.balance("mallory") > 0

    injection = "x'); DROP TABLE core_ledger; --"
    await bot.say(injection + " " + HOSTILE, user="bob", event_id="m1")
    archived = await bot.say("/quote", reply_to="m1", user="carol")
    assert "Archived as quote #1" in archived and "\u202e" not in archived
    for query in (injection, '" OR 1=1 --', "%' OR '1'='1", "*", 'NEAR("a" "b")', "\\", HOSTILE):
        answer = await bot.say(f"/quote search {query}")
        assert answer and "went wrong" not in answer, query
    assert "#1" in await bot.say("/quote search DROP TABLE")

    titled = await bot.say(f"/title @bob {HOSTILE[:20]}", user="admin")
    assert "\u202e" not in titled and "went wrong" not in titled
    assert await bot.balance("mallory") > 0  # the ledger is still there


def _fields(event: object) -> dict[str, object]:
    return {name: getattr(event, name) for name in event.__dataclass_fields__}  # type: ignore[attr-defined]
