"""Buttons fall back to numbered choices where a platform has none, and numbers come back."""

from __future__ import annotations

from shequn import (
    Button,
    ButtonPressed,
    Buttons,
    Capabilities,
    Context,
    Image,
    Mention,
    Message,
    Plugin,
    Text,
)
from shequn.internal.fallback import degrade
from shequn.testing import Harness

poll = Plugin("pollish", title="Poll-ish")


@poll.command("ask")
async def ask(ctx: Context) -> None:
    buttons = Buttons.of(
        [Button("Tea", "drink:tea"), Button("Coffee", "drink:coffee")],
        [Button("Water", "drink:water")],
    )
    await ctx.reply(Message(["What do you drink?", buttons]))


@poll.on(ButtonPressed)
async def pressed(ctx: Context) -> None:
    assert isinstance(ctx.event, ButtonPressed)
    await ctx.reply(f"{ctx.user.id} chose {ctx.event.data}")


def _t(key: str, **values: object) -> str:
    return f"{key}:{sorted(values.items())}"


def test_degrade_keeps_supported_segments() -> None:
    message = Message([Text("hi "), Mention("42", "bob"), Image("http://x/y.png")])
    full = Capabilities(buttons=True, mentions=True, images=True)
    assert degrade(message, full, _t) == (message, [])


def test_degrade_rewrites_missing_ones() -> None:
    message = Message(
        [Mention("42", "bob"), Image("http://x/y.png"), Buttons.of([Button("A", "a")])]
    )
    bare = Capabilities(buttons=False, mentions=False, images=False)
    degraded, choices = degrade(message, bare, _t)
    assert all(isinstance(s, Text) for s in degraded)
    assert degraded.plain_text.startswith("@bob")
    assert "http://x/y.png" in degraded.plain_text
    assert "1. A" in degraded.plain_text
    assert choices == [Button("A", "a")]


async def test_numbered_reply_becomes_button_press(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(poll)
    shown = await bot.say("/ask")
    assert "1. Tea" in shown and "2. Coffee" in shown and "3. Water" in shown
    assert "Reply 1, 2 or 3" in shown
    assert await bot.say("2", user="bob") == "bob chose drink:coffee"
    assert await bot.say("7", user="bob") == ""  # out of range: plain chat
    assert await bot.say("3", group="elsewhere") == ""  # choices belong to their scene
