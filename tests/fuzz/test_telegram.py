"""Telegram updates of any shape through the adapter's entry point (:meth:`Inbound.event_of`):
validated, translated, or skipped with a log line, never raising."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from hypothesis import given
from hypothesis import strategies as st

from adapters.telegram.exporter import LongData
from adapters.telegram.inbound import Inbound
from shequn import User
from shequn.testing import Harness
from tests.fuzz.strategies import FUZZ, json_values, maybe, odd_text

small = st.integers(min_value=-(2**53), max_value=2**53)
account = st.fixed_dictionaries(
    {"id": maybe(small), "is_bot": maybe(st.booleans()), "first_name": maybe(odd_text)},
    optional={"username": maybe(odd_text), "last_name": maybe(odd_text)},
)
chat = st.fixed_dictionaries(
    {
        "id": maybe(small),
        "type": maybe(st.sampled_from(["private", "group", "supergroup", "channel"])),
    },
    optional={"title": maybe(odd_text), "username": maybe(odd_text)},
)
entity = st.fixed_dictionaries(
    {
        "type": maybe(st.sampled_from(["mention", "text_mention", "bold", "bot_command", "url"])),
        "offset": maybe(st.integers(min_value=-5, max_value=80)),
        "length": maybe(st.integers(min_value=-5, max_value=80)),
    },
    optional={"user": account},
)
message = st.fixed_dictionaries(
    {"message_id": maybe(small), "date": maybe(small), "chat": maybe(chat)},
    optional={
        "from": maybe(account),
        "text": maybe(odd_text),
        "caption": maybe(odd_text),
        "entities": maybe(st.lists(entity, max_size=4)),
        "reply_to_message": maybe(
            st.fixed_dictionaries(
                {"message_id": small, "date": small, "chat": chat},
                optional={"from": account, "text": odd_text},
            )
        ),
        "photo": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "file_id": odd_text,
                        "file_unique_id": odd_text,
                        "width": small,
                        "height": small,
                    }
                ),
                max_size=2,
            )
        ),
    },
)
member = st.fixed_dictionaries(
    {
        "status": maybe(st.sampled_from(["member", "left", "kicked", "administrator", "creator"])),
        "user": maybe(account),
    },
    optional={"until_date": maybe(small), "is_member": maybe(st.booleans())},
)
link = st.fixed_dictionaries(
    {
        "invite_link": maybe(odd_text),
        "creator": maybe(account),
        "creates_join_request": st.booleans(),
        "is_primary": st.booleans(),
        "is_revoked": st.booleans(),
    },
    optional={"name": maybe(odd_text)},
)
update = st.fixed_dictionaries(
    {"update_id": maybe(small)},
    optional={
        "message": maybe(message),
        "callback_query": maybe(
            st.fixed_dictionaries(
                {"id": maybe(odd_text), "from": maybe(account), "chat_instance": odd_text},
                optional={"data": maybe(odd_text), "message": message},
            )
        ),
        "chat_member": maybe(
            st.fixed_dictionaries(
                {
                    "chat": chat,
                    "from": account,
                    "date": small,
                    "old_chat_member": member,
                    "new_chat_member": member,
                },
                optional={"invite_link": link, "via_join_request": st.booleans()},
            )
        ),
        "chat_join_request": maybe(
            st.fixed_dictionaries(
                {"chat": chat, "from": account, "user_chat_id": small, "date": small},
                optional={"bio": odd_text, "invite_link": link},
            )
        ),
    },
)


class Answered:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self, query_id: str, text: str | None) -> object:
        self.count += 1
        return True


@pytest.fixture(scope="module")
def inbound(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, Inbound]]:
    loop = asyncio.new_event_loop()
    database: Path = tmp_path_factory.mktemp("tg") / "fuzz.db"
    harness = Harness([], database, platform="telegram")
    loop.run_until_complete(harness.start())
    bot = Bot("123456:fuzz-token-never-used")
    me = User(platform="telegram", id="123456", name="Shequn")
    made = Inbound(harness.app, bot, me, "shequn_bot", LongData(), Answered(), lambda _: None)
    yield loop, made
    loop.run_until_complete(bot.session.close())
    loop.run_until_complete(harness.close())
    loop.close()


@FUZZ
@given(payload=st.one_of(update, json_values))
def test_updates_never_raise(
    inbound: tuple[asyncio.AbstractEventLoop, Inbound], payload: Any
) -> None:
    loop, made = inbound
    event = loop.run_until_complete(made.event_of(payload))
    if event is not None:
        assert event.platform == "telegram"


def test_a_well_formed_update_does_become_an_event(
    inbound: tuple[asyncio.AbstractEventLoop, Inbound],
) -> None:
    loop, made = inbound
    raw = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 1_700_000_000,
            "chat": {"id": -100, "type": "supergroup", "title": "g"},
            "from": {"id": 7, "is_bot": False, "first_name": "Ann"},
            "text": "/signin\u202e@everyone",
        },
    }
    event = loop.run_until_complete(made.event_of(raw))
    assert event is not None and event.scene.key == "telegram:-100"
