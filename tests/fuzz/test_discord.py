"""Discord messages of any shape: what discord.py accepts from the gateway, the adapter's
builder translates without raising (and the adapter's ``on_message`` logs whatever might).

Discord's schema makes ``content`` a string and discord.py keeps whatever it gets; a
non-string there would make the builder raise, which ``on_message`` catches and logs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import discord
import pytest
from discord.http import HTTPClient
from discord.state import ConnectionState
from hypothesis import assume, given
from hypothesis import strategies as st

from adapters.discord.builder import message_event, segments
from tests.fuzz.strategies import FUZZ, maybe, odd_text

snowflake = st.integers(min_value=0, max_value=2**64).map(str)
author = st.fixed_dictionaries(
    {
        "id": maybe(snowflake),
        "username": maybe(odd_text),
        "discriminator": st.just("0"),
        "avatar": st.none(),
    },
    optional={"bot": maybe(st.booleans()), "global_name": maybe(odd_text)},
)
mention_markup = st.builds(
    lambda ident, bang: f"<@{'!' if bang else ''}{ident}>", snowflake, st.booleans()
)
content = st.lists(st.one_of(odd_text, mention_markup, st.just("<@&1>")), max_size=6).map("".join)
payload = st.fixed_dictionaries(
    {
        "id": snowflake,
        "channel_id": snowflake,
        "author": author,
        "content": content,  # discord.py passes a non-string through; see the note below
        "timestamp": st.just("2024-01-01T00:00:00+00:00"),
        "edited_timestamp": st.none(),
        "tts": st.booleans(),
        "mention_everyone": st.booleans(),
        "mentions": st.lists(author, max_size=3),
        "mention_roles": st.just([]),
        "attachments": st.just([]),
        "embeds": st.just([]),
        "pinned": st.booleans(),
        "type": maybe(st.sampled_from([0, 19, 7, 6])),
    },
    optional={
        "guild_id": snowflake,
        "message_reference": st.fixed_dictionaries(
            {}, optional={"message_id": maybe(snowflake), "channel_id": snowflake}
        ),
    },
)


@pytest.fixture(scope="module")
def state() -> Iterator[tuple[asyncio.AbstractEventLoop, ConnectionState[Any]]]:
    loop = asyncio.new_event_loop()
    http = HTTPClient(loop)
    made: ConnectionState[Any] = ConnectionState(
        dispatch=lambda *_a, **_k: None,
        handlers={},
        hooks={},
        http=http,
        intents=discord.Intents.all(),
    )
    yield loop, made
    loop.run_until_complete(http.close())
    loop.close()


@FUZZ
@given(data=payload)
def test_messages_never_raise(
    state: tuple[asyncio.AbstractEventLoop, ConnectionState[Any]], data: dict[str, Any]
) -> None:
    _, connection = state
    channel = discord.PartialMessageable(state=connection, id=int(data["channel_id"]))
    try:
        message = discord.Message(state=connection, channel=channel, data=data)  # type: ignore[arg-type]
    except Exception:
        assume(False)  # discord.py itself refuses it: it never reaches the adapter
        return
    event = message_event(message, "42")
    if event is not None:
        assert event.platform == "discord" and not event.user.is_bot


@FUZZ
@given(content, st.dictionaries(snowflake, odd_text, max_size=4))
def test_segments_never_raise(text: str, names: dict[str, str]) -> None:
    built = segments(text, names)
    assert all(len(str(s)) >= 0 for s in built)
