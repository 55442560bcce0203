"""Moderation never punishes members for using the bot, with every built-in plugin on at
its defaults and welcome on as in a real group: commands are never flooding or repeats, the
bot's own links are never ads or newcomers' links, and a removed message is explained once,
in the group's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from shequn import Message, Plugin
from shequn.internal.loader import discover
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def builtin_plugins() -> list[Plugin]:
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 20
    return plugins


async def real_group(make_bot: MakeBot, **options: object) -> Harness:
    bot = await make_bot(*builtin_plugins(), start=START, enforce_mutes=True, **options)
    bot.make_admin("admin")
    await bot.app.group_settings.set_enabled(bot.app.plugins["welcome"], "test:group", True)
    return bot


async def newcomer(bot: Harness, user: str) -> None:
    """``user`` joins and passes welcome's verification (its button, here by number)."""
    greeting = await bot.join(user)
    assert "show you are human" in greeting
    assert "welcome" in (await bot.say("1", user=user)).lower()


async def post(bot: Harness, text: str, user: str) -> tuple[str, bool]:
    """``user`` posts ``text``: what the bot answered, and whether the message was deleted."""
    event = bot.message(text, user=user)
    answer = "\n".join(await bot.deliver(event))
    removed = [target for done, _, target in bot.actions if done == "delete"]
    return answer, getattr(event, "message_id", None) in removed


async def test_a_newcomer_using_commands_is_never_a_repeater(make_bot: MakeBot) -> None:
    bot = await real_group(make_bot)
    await newcomer(bot, "nina")
    for _ in range(3):
        answer, removed = await post(bot, "/points", "nina")
        assert "points" in answer.lower() and "warned" not in answer and not removed
    for _ in range(9):  # more than flood_messages within flood_seconds
        assert not (await post(bot, "/signin", "nina"))[1]
    assert "no active warnings" in await bot.say("/warns", user="nina")


async def test_share_commands_and_the_bots_own_links_are_kept(make_bot: MakeBot) -> None:
    bot = await real_group(make_bot, sharelinks={"public_url": "https://bot.example.org"})
    await newcomer(bot, "nina")
    reply, removed = await post(bot, "/share https://example.org", "nina")
    assert "https://bot.example.org/s/" in reply and not removed, reply
    link = reply.split()[-1]
    await newcomer(bot, "omar")
    assert await post(bot, f"read this: {link}", "omar") == ("", False)
    # An invite link the bot made (sent by it) is no other group's invite.
    invite = "https://t.me/+AbCdEf123"
    await bot.app.send(bot.platform.group("group").scene, Message.coerce(f"Join us: {invite}"))
    assert await post(bot, f"come in: {invite}", "omar") == ("", False)
    # A link the bot did not make is still a newcomer's link, explained once.
    assert await post(bot, "see https://spam.example.net/x", "omar") == (
        "🗑️ omar, your message was removed: links are not allowed (https://spam.example.net/x).",
        True,
    )
    assert await post(bot, "see https://spam.example.net/y", "omar") == ("", True)


async def test_repeated_spam_is_removed_and_explained_once(make_bot: MakeBot) -> None:
    bot = await real_group(make_bot)
    await newcomer(bot, "sam")
    for _ in range(2):
        assert await post(bot, "BUY NOW cheap followers", "sam") == ("", False)
    assert await post(bot, "BUY NOW cheap followers", "sam") == (
        "⚠️ sam is warned (1): repeating the same message.",
        True,
    )


async def test_spam_is_explained_in_the_groups_language(make_bot: MakeBot) -> None:
    bot = await real_group(make_bot)
    await bot.say("/config core locale zh-CN", user="admin")
    await bot.join("sam")
    await bot.say("1", user="sam")
    for _ in range(2):
        assert await post(bot, "买粉丝 便宜", "sam") == ("", False)
    assert await post(bot, "买粉丝 便宜", "sam") == (
        "⚠️ sam 被警告（第 1 次）：重复发送相同消息。",
        True,
    )
    assert await post(bot, "看 https://spam.example.net/x", "sam") == (
        "🗑️ sam，你的消息已被删除：禁止发链接 (https://spam.example.net/x)。",
        True,
    )
    assert await post(bot, "看 https://spam.example.net/y", "sam") == ("", True)
