"""QQ ids are parsed strictly: ASCII digits of bounded length, or a clear error naming them."""

from __future__ import annotations

import logging
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from adapters.qq.ids import BadId, message_number, number
from shequn.internal.onebot import MAX_NUMBER_DIGITS
from tests.adapters.qq.conftest import Running, wait_until
from tests.adapters.qq.fake import v11_group_message
from tests.fuzz.strategies import FUZZ, odd_text

BOT = "10001"
GROUP = 555
ASCII_ID = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}")

# Digits that str.isdigit() accepts and int() refuses or reads as other numbers.
UNICODE_DIGITS = ["²", "١٢٣", "０１２", "𝟙", "①", "12³", "४२"]


@FUZZ
@given(st.one_of(odd_text, st.text(alphabet="0123456789²³¹٠١٢४०１-+ _", max_size=25)))
@example("²")
@example("9" * MAX_NUMBER_DIGITS)
@example("9" * (MAX_NUMBER_DIGITS + 1))
def test_an_id_is_a_number_exactly_when_it_is_ascii_digits(value: str) -> None:
    if ASCII_ID.fullmatch(value):
        assert number(value) == int(value)
        assert str(number(value)) == (value.lstrip("0") or "0")
    else:
        with pytest.raises(BadId, match=r"not a QQ group id: .* ASCII digits"):
            number(value, "group id")


@FUZZ
@given(st.one_of(odd_text, st.from_regex(r"-?[0-9]{1,20}", fullmatch=True)))
def test_a_message_id_may_be_negative_and_nothing_else(value: str) -> None:
    if re.fullmatch(rf"-?[0-9]{{1,{MAX_NUMBER_DIGITS}}}", value):
        assert message_number(value) == int(value)
    else:
        with pytest.raises(BadId, match="not a QQ message id"):
            message_number(value)


@pytest.mark.parametrize("value", UNICODE_DIGITS)
def test_unicode_digits_are_refused_with_a_clear_error(value: str) -> None:
    assert value.isdigit()  # what used to slip through to int()
    with pytest.raises(BadId) as caught:
        number(value, "user id")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("not a QQ user id: ")


async def test_a_bad_id_from_a_plugin_is_logged_and_the_bot_keeps_serving(
    qq: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await qq.client(BOT)
    caplog.set_level(logging.WARNING)
    await fake.send(v11_group_message(BOT, GROUP, 42, "/unsay ²", message_id=1))
    await wait_until(lambda: "not a QQ message id: '²'" in caplog.text)
    await fake.send(v11_group_message(BOT, GROUP, 42, "/unsay -7", message_id=2))
    [delete] = await fake.wait_for("delete_msg")
    assert delete.params == {"message_id": -7}  # v11 implementations hand out negative ids
    await fake.send(v11_group_message(BOT, GROUP, 43, "/signin", message_id=3, name="Bo"))
    await fake.wait_for("send_group_msg")
    assert len(fake.named("delete_msg")) == 1
