"""The OneBot translation QQ (v11) and WeChat (v12) share: segments both ways, member notices,
and odd input (unknown types, missing or null fields, huge text) that is skipped, never raised."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nonebot.adapters.onebot.v11 import MessageSegment as V11Segment
from nonebot.adapters.onebot.v12 import MessageSegment as V12Segment

from shequn import Button, Buttons, Image, Mention, Message, Reply, Text
from shequn.internal import onebot
from shequn.internal.onebot import EVERYONE, V11, V12, Dialect, Notice
from tests.fuzz.strategies import FUZZ, json_values, odd_text

BOT = "10000"
Segments = type[V11Segment] | type[V12Segment]
VERSIONS: list[tuple[Dialect, Segments]] = [(V11, V11Segment), (V12, V12Segment)]


def sent_by(segment: Segments, *pairs: tuple[str, Any]) -> list[Any]:
    """Segments as nonebot-adapter-onebot parses them off the wire."""
    return [segment(kind, data) for kind, data in pairs]


def by_url(image: Image) -> onebot.Wire:
    return "image", {"file": image.url}


def test_v11_shapes_read() -> None:
    inbound = onebot.read(
        sent_by(
            V11Segment,
            ("reply", {"id": "77"}),
            ("at", {"qq": BOT}),
            ("text", {"text": "  /signin "}),
            ("at", {"qq": "42", "name": "Ann"}),
            ("at", {"qq": "all"}),
            ("image", {"file": "a.png"}),
            ("image", {"url": "https://x/b.png", "file": "b.png"}),
            ("face", {"id": "1"}),
        ),
        V11,
        BOT,
    )
    assert inbound.to_me and inbound.reply_to == "77" and inbound.reply_author is None
    assert inbound.message == Message(
        [
            Text("/signin "),
            Mention("42", "Ann"),
            Mention(EVERYONE),
            Image("a.png"),
            Image("https://x/b.png"),
        ]
    )  # a face has no placeholder in plain v11: QQ's builder adds one
    with_faces = replace(V11, placeholders={"face": "[face]"})
    assert onebot.read([V11Segment.face(1)], with_faces, BOT).message == Message([Text("[face]")])


def test_v12_shapes_read() -> None:
    inbound = onebot.read(
        sent_by(
            V12Segment,
            ("mention", {"user_id": BOT}),
            ("text", {"text": " hi"}),
            ("mention", {"user_id": "wxid_ann"}),
            ("mention_all", {}),
            ("reply", {"message_id": "m1", "user_id": "wxid_bo"}),
            ("image", {"file_id": "f1"}),
        ),
        V12,
        BOT,
    )
    assert inbound.to_me and inbound.reply_to == "m1" and inbound.reply_author == "wxid_bo"
    assert inbound.message == Message(
        [Text("hi"), Mention("wxid_ann"), Mention(EVERYONE), Image("f1")]
    )


@pytest.mark.parametrize(("version", "segment"), VERSIONS)
def test_the_bot_is_addressed_only_before_text_or_images(
    version: Dialect, segment: Segments
) -> None:
    mention = version.mention
    key = version.mention_id
    first = sent_by(
        segment,
        (mention, {key: "7"}),
        (mention, {key: BOT}),
        ("text", {"text": " /boot"}),
    )
    addressed = onebot.read(first, version, BOT)
    assert addressed.to_me and addressed.message == Message([Mention("7"), Text(" /boot")])
    later = sent_by(segment, ("text", {"text": "ask "}), (mention, {key: BOT}))
    quoted = onebot.read(later, version, BOT)
    assert not quoted.to_me and quoted.message == Message([Text("ask "), Mention(BOT)])


def test_v11_shapes_written() -> None:
    message = Message(
        [
            Reply("007"),
            Text("hi "),
            Text(""),
            Mention("42", "Ann"),
            Mention(EVERYONE),
            Image("a.png"),
            Buttons.of([Button("ok", "ok")]),
        ]
    )
    assert onebot.write(message, V11, by_url) == [
        ("reply", {"id": "7"}),
        ("text", {"text": "hi "}),
        ("at", {"qq": "42"}),
        ("at", {"qq": "all"}),
        ("image", {"file": "a.png"}),
    ]


@pytest.mark.parametrize(
    "message_id", ["m1", "", "²", "١٢", "9" * 21, "9" * 5000, "--1", "-", "- 1", " 1"]
)
def test_v11_replies_only_to_numbers(message_id: str) -> None:
    """v11 message ids are numbers (up to 64 bits); anything else is left out, not raised."""
    assert onebot.write(Message([Reply(message_id)]), V11, by_url) == []


def test_v11_replies_to_negative_message_ids() -> None:
    """Some implementations hand out negative message ids; a reply to one is kept."""
    assert onebot.write(Message([Reply("-7")]), V11, by_url) == [("reply", {"id": "-7"})]


def test_v12_shapes_written_and_images_fall_back_to_alt_text() -> None:
    uploaded = {"a.png": "f1"}

    def by_file_id(image: Image) -> onebot.Wire | None:
        file_id = uploaded.get(image.url)
        return None if file_id is None else ("image", {"file_id": file_id})

    message = Message(
        [
            Reply("m1"),
            Mention("wxid_ann"),
            Mention(EVERYONE),
            Image("a.png"),
            Image("lost.png", alt="a cat"),
            Image("lost.png"),
        ]
    )
    assert onebot.write(message, V12, by_file_id) == [
        ("reply", {"message_id": "m1"}),
        ("mention", {"user_id": "wxid_ann"}),
        ("mention_all", {}),
        ("image", {"file_id": "f1"}),
        ("text", {"text": "a cat"}),
    ]


plain_ids = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1).filter(
    lambda s: s not in (BOT, EVERYONE)
)
readable = st.lists(
    st.one_of(odd_text.filter(bool).map(Text), plain_ids.map(Mention), st.just(Mention(EVERYONE))),
    max_size=6,
).map(Message)


@FUZZ
@given(readable)
def test_written_then_read_is_the_same_message(message: Message) -> None:
    for version, segment in VERSIONS:
        wire = onebot.write(message, version, by_url)
        back = onebot.read([segment(kind, data) for kind, data in wire], version, BOT)
        assert back.message == message and not back.to_me


def test_odd_segments_skipped() -> None:
    received: list[Any] = [
        V11Segment("record", {"file": "a.amr"}),  # a type Shequn does not translate
        V11Segment("location", {}),
        V11Segment("text", {}),  # missing field
        V11Segment("text", {"text": None}),  # null field
        V11Segment("at", {"qq": ""}),
        V11Segment("at", {}),
        V11Segment("reply", {}),
        V11Segment("image", {"url": "", "file": None}),
        V11Segment("text", None),  # type: ignore[arg-type]  # data is not a mapping
        V11Segment("text", ["x"]),  # type: ignore[arg-type]
        V11Segment("text", {"text": 0}),  # a number is text all the same
    ]
    for version in (V11, V12):
        inbound = onebot.read(received, version, BOT)
        assert inbound == onebot.Inbound(Message([Text("0")]))


def test_huge_text_passes_whole() -> None:
    huge = "签到" * 500_000 + "\u202e😀"
    for version, segment in VERSIONS:
        inbound = onebot.read([segment("text", {"text": huge})], version, BOT)
        assert inbound.message.plain_text == huge
        assert onebot.write(inbound.message, version, by_url) == [("text", {"text": huge})]


@FUZZ
@given(st.lists(st.tuples(st.one_of(odd_text, st.sampled_from(["at", "reply"])), json_values)))
def test_any_segment_data_never_raises(pairs: list[tuple[str, Any]]) -> None:
    for version, segment in VERSIONS:
        inbound = onebot.read([segment(kind, data) for kind, data in pairs], version, BOT)
        assert all(isinstance(part, Text | Mention | Image) for part in inbound.message)
        onebot.write(inbound.message, version, by_url)


def notice(sub_type: str, operator_id: str, user_id: str = "77") -> Notice:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    return Notice(
        platform="qq",
        self_id=BOT,
        group_id="555",
        user_id=user_id,
        operator_id=operator_id,
        sub_type=sub_type,
        time=when,
        stamp="1714521600",
    )


def test_joins_credit_the_operator_of_an_invite_only() -> None:
    invited = onebot.member_joined(notice("invite", "42"))
    assert invited.id == "join:77:1714521600" and invited.scene.key == "qq:555"
    assert invited.inviter is not None and invited.inviter.key == "qq:42"
    assert invited.invited_via == "operator_id"
    for plain in (notice("approve", "42"), notice("invite", ""), notice("invite", "77")):
        joined = onebot.member_joined(plain)
        assert joined.inviter is None and joined.invited_via is None


@pytest.mark.parametrize(
    ("sub_type", "operator_id", "kicked", "operator"),
    [
        ("kick", "42", True, "qq:42"),
        ("kick_me", "42", True, "qq:42"),
        ("kick", "", True, None),
        ("leave", "77", False, None),
    ],
)
def test_departures_name_who_removed_the_member(
    sub_type: str, operator_id: str, kicked: bool, operator: str | None
) -> None:
    left = onebot.member_left(notice(sub_type, operator_id))
    assert left.id == "leave:77:1714521600" and left.kicked is kicked
    assert (left.operator.key if left.operator else None) == operator


def test_mutes_and_their_lifting_are_told_apart() -> None:
    muted = onebot.member_muted(notice("ban", "42"), 600)
    lifted = onebot.member_muted(notice("lift_ban", ""), 0)
    assert (muted.seconds, lifted.seconds) == (600, 0)
    assert muted.operator is not None and muted.operator.key == "qq:42"
    assert lifted.operator is None
    assert muted.dedup_key != lifted.dedup_key  # in the same second, both count
    assert onebot.member_muted(notice("ban", "42"), -5).seconds == 0
