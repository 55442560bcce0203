"""The command parser on arbitrary messages: finding, tokenizing and binding never raise
anything but a :class:`UsageError` (which becomes a usage reply)."""

from __future__ import annotations

from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from shequn import Context, Mention, Message, Plugin, Text, User
from shequn.internal.arguments import UsageError, bind, signature_params, tokenize
from shequn.internal.commands import Match, find, suggest
from shequn.internal.registry import Registry
from tests.fuzz.strategies import FUZZ, odd_text

plugin = Plugin("fuzzed")


@plugin.command("give", aliases=["赠送"])
async def give(
    ctx: Context,
    who: User,
    amount: int,
    ratio: float = 1.0,
    flag: bool = False,
    mode: Literal["add", "show"] = "show",
    *,
    note: str = "",
) -> None: ...


@plugin.command("quote top", aliases=["语录 排行"])
async def top(ctx: Context, count: int | None = None) -> None: ...


registry = Registry()
registry.load(plugin)
PARAMS = signature_params(give)

segments = st.one_of(
    odd_text.map(Text),
    st.builds(Mention, odd_text, odd_text),
)
messages = st.lists(segments, max_size=6).map(Message)
prefixed = st.builds(
    lambda prefix, word, rest: Message([Text(prefix + word + rest)]),
    st.sampled_from(["/", "!", "#", "", " /"]),
    st.sampled_from(["give", "赠送", "quote", "quote top", "语录 排行", "giv", "GIVE"]),
    odd_text,
)


@FUZZ
@given(st.one_of(messages, prefixed), st.sampled_from(["qq", "telegram", "discord", "wechat"]))
def test_find_tokenize_bind_raise_only_usage_errors(message: Message, platform: str) -> None:
    match = find(registry, message, ["/", "!", "#"], ["shequn_bot"])
    if isinstance(match, Match):
        try:
            bind(match.command.params, tokenize(match.args, platform), platform)
        except UsageError as error:
            assert error.key.startswith("usage.")
    try:
        values = bind(PARAMS, tokenize(message, platform), platform)
    except UsageError as error:
        assert error.key.startswith("usage.")
    else:
        assert isinstance(values["who"], User) and isinstance(values["amount"], int)


@FUZZ
@given(odd_text)
def test_suggest_never_raises(word: str) -> None:
    close = suggest(registry, word)
    assert close is None or isinstance(close, str)
