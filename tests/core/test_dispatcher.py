"""Routing, error isolation, de-duplication, permissions, switches and bad input."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from shequn import Context, Level, MemberJoined, MessageEvent, Plugin, User
from shequn.filters import platform
from shequn.testing import Harness

calls: list[str] = []

first = Plugin("first", title="First")
broken = Plugin("broken", title="Broken")
second = Plugin("second", title="Second")


@first.command("echo", aliases=["说"], keywords=["回声"])
async def echo(ctx: Context, *, text: str = "") -> None:
    await ctx.reply(f"echo:{text}")


@first.command("add")
async def add(ctx: Context, a: int, b: int = 1) -> None:
    await ctx.reply(f"sum:{a + b}")


@first.command("mode")
async def mode(ctx: Context, which: str, flag: bool = False) -> None:
    await ctx.reply(f"mode:{which}:{flag}")


@first.command("give")
async def give(ctx: Context, member: User, amount: int) -> None:
    await ctx.reply(f"give:{member.id}:{amount}")


@first.command("secret", permission=Level.ADMIN)
async def secret(ctx: Context) -> None:
    await ctx.reply("secret:ok")


@first.command("root", permission=Level.SUPERUSER)
async def root(ctx: Context) -> None:
    await ctx.reply("root:ok")


@first.command("slow", user_cooldown=60)
async def slow(ctx: Context) -> None:
    await ctx.reply("slow:ok")


@broken.command("crash")
async def crash(ctx: Context) -> None:
    raise RuntimeError("plugin bug")


@broken.on(MessageEvent)
async def broken_listener(ctx: Context) -> None:
    calls.append("broken")
    raise ValueError("listener bug")


@second.on(MessageEvent)
async def second_listener(ctx: Context) -> None:
    calls.append("second")


@second.on(MemberJoined)
async def welcome(ctx: Context) -> None:
    await ctx.reply(f"welcome:{ctx.user.id}")


guard = Plugin("guard", title="Guard")


@guard.on(MessageEvent, priority=10)
async def block_ads(ctx: Context) -> None:
    if "BUY NOW" in ctx.text:
        await ctx.reply("guard:blocked")
        ctx.stop()


only_qq = Plugin("onlyqq", title="Only QQ", filter=platform("qq"))


@only_qq.command("qqonly")
async def qq_only(ctx: Context) -> None:
    await ctx.reply("qq:ok")


PLUGINS = (first, broken, second, guard, only_qq)


async def test_commands_aliases_and_keywords(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert await bot.say("/echo hello world") == "echo:hello world"
    assert await bot.say("!echo x") == "echo:x"
    assert await bot.say("#说 y") == "echo:y"
    assert await bot.say("回声 z") == "echo:z"
    assert await bot.say("回声") == "echo:"
    assert await bot.say("  /ECHO upper") == "echo:upper"
    assert await bot.say("just chatting") == ""


async def test_typed_arguments_and_usage(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert await bot.say("/add 2 3") == "sum:5"
    assert await bot.say("/add 2") == "sum:3"
    reply = await bot.say("/add two")
    assert "whole number" in reply and "Usage: /add <a> [b]" in reply
    assert "Missing <a>" in await bot.say("/add")
    assert "Too many arguments" in await bot.say("/add 1 2 3")
    assert await bot.say("/mode x yes") == "mode:x:True"
    assert "yes or no" in await bot.say("/mode x maybe")
    assert await bot.say("/give @bob 5") == "give:bob:5"
    assert await bot.say("/give test:carol 7") == "give:carol:7"
    assert await bot.say('/echo "quoted words"') == "echo:quoted words"


async def test_plugin_exception_does_not_stop_others(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    calls.clear()
    reply = await bot.say("/crash")
    assert "Something went wrong running /crash" in reply
    assert calls == ["broken", "second"]
    # The dispatcher is still alive and other plugins answer.
    assert await bot.say("/echo still") == "echo:still"
    assert calls == ["broken", "second", "broken", "second"]


async def test_priority_and_stop(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    calls.clear()
    assert await bot.say("/echo BUY NOW") == "guard:blocked"
    assert calls == []


async def test_redelivered_event_is_handled_once(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    event = bot.message("/echo once")
    replies = await asyncio.gather(*(bot.deliver(event) for _ in range(50)))
    assert sum(len(r) for r in replies) == 1


async def test_unknown_commands(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert "Did you mean /echo" in await bot.say("/ecko hi")
    assert await bot.say("/zzzzqqq") == ""  # nothing close, in a group: ignored
    assert "Unknown command /zzzzqqq" in await bot.say("/zzzzqqq", group=None)
    assert await bot.say("#hashtag-like-text") == ""


async def test_bot_name_suffix(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    bot.app.set_bot_names("test", ["shequn_bot"])
    assert await bot.say("/echo@shequn_bot hi") == "echo:hi"
    assert await bot.say("/echo@other_bot hi") == ""


async def test_permissions(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS, superusers=["test:root"])
    assert "needs admin rights" in await bot.say("/secret")
    bot.make_admin("alice")
    assert await bot.say("/secret") == "secret:ok"
    assert "needs superuser rights" in await bot.say("/root")
    assert await bot.say("/root", user="root") == "root:ok"
    assert await bot.say("/secret", user="root") == "secret:ok"


async def test_cooldown(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert await bot.say("/slow") == "slow:ok"
    assert "try again in 60s" in await bot.say("/slow")
    assert await bot.say("/slow", user="bob") == "slow:ok"
    await bot.advance(timedelta(seconds=61))
    assert await bot.say("/slow") == "slow:ok"


async def test_plugin_filter(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert await bot.say("/qqonly") == ""


async def test_switch_per_group(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    bot.make_admin("alice")
    assert "now off" in await bot.say("/plugin off first")
    assert await bot.say("/echo x") == ""
    assert await bot.say("/echo x", group="other") == "echo:x"
    assert "[off] first" in await bot.say("/plugin list")
    assert "No plugin named" in await bot.say("/plugin off nosuch")
    assert "cannot be switched off" in await bot.say("/plugin off core")
    assert "now on" in await bot.say("/plugin on first")
    assert await bot.say("/echo x") == "echo:x"


async def test_member_events(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert await bot.join("dave") == "welcome:dave"


async def test_huge_and_odd_unicode_never_crashes(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    rng = random.Random(20261125)
    alphabet = [chr(c) for c in range(0x20, 0x2FFF) if not 0xD800 <= c <= 0xDFFF]
    alphabet += ["\u200b", "\u202e", "\u2066", "\ufeff", "\x00", "@everyone", "[CQ:at,qq=all]"]
    texts = [
        "".join(rng.choice(alphabet) for _ in range(100_000)),
        "/" + "".join(rng.choice(alphabet) for _ in range(100_000)),
        "/add " + "9" * 5000,
        "/give " + "@" * 1000,
        "/echo " + "\u202e" * 100 + "evil",
        "回声 " + "字" * 100_000,
    ]
    for text in texts:
        await bot.say(text)  # no exception escapes
    assert await bot.say("/echo alive") == "echo:alive"


late = Plugin("late", title="Late")


@late.command("late", group_cooldown=30)
async def late_command(ctx: Context) -> None:
    await ctx.reply("late:ok")


async def test_runtime_load_and_dispose(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(*PLUGINS)
    assert await bot.say("/late") == ""
    dispose = bot.app.load_plugin(late)
    assert await bot.say("/late") == "late:ok"
    assert "try again in 30s" in await bot.say("/late", user="bob")  # per-group cooldown
    assert await bot.say("/late", group="other") == "late:ok"
    dispose()
    await bot.advance(timedelta(minutes=1))
    assert await bot.say("/late") == ""
    assert "late" not in bot.app.plugins
    assert await bot.say("/echo after") == "echo:after"


two_words = Plugin("twowords", title="Two words")


@two_words.command("board", keywords=["签到"])
async def board_main(ctx: Context, *, rest: str = "") -> None:
    await ctx.reply(f"main:{rest}")


@two_words.command("board rank", keywords=["签到 排行"])
async def board_rank(ctx: Context, *, rest: str = "") -> None:
    await ctx.reply(f"rank:{rest}")


async def test_two_word_keywords(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(two_words)
    assert await bot.say("签到") == "main:"
    assert await bot.say("签到 今天 很好") == "main:今天 很好"
    assert await bot.say("签到 排行") == "rank:"
    assert await bot.say("签到　排行 x") == "rank:x"
    assert await bot.say("/board rank") == "rank:"
