"""Every command can be found, with every built-in plugin on: ``/help`` lists them all (en and
zh-CN), a command group typed alone lists its subcommands, an unknown subcommand names the
valid ones, each documented keyword works bare, and a bare keyword missing its arguments is
taken for plain chat (no reply)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from shequn import Context, Plugin, User
from shequn.internal.arguments import Param
from shequn.internal.loader import discover
from shequn.internal.plugin import CommandSpec
from shequn.testing.harness import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "alice"


def builtin_plugins() -> list[Plugin]:
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 20
    return plugins


async def every_plugin_on(make_bot: MakeBot, *extra: Plugin, locale: str = "en") -> Harness:
    bot = await make_bot(*builtin_plugins(), *extra)
    bot.make_admin(ADMIN)
    for plugin in bot.app.plugins.values():
        if plugin.switchable and not plugin.enabled_by_default:
            assert "on" in (await bot.say(f"/plugin on {plugin.name}")).lower()
    if locale != "en":
        await bot.say(f"/config core locale {locale}")
    return bot


def unique_commands(bot: Harness) -> list[CommandSpec]:
    return bot.app.registry.unique_commands()


def block_of(help_text: str, root: str) -> str:
    """The line of ``/root`` in ``/help`` and its subcommand line, if any."""
    lines = help_text.splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"  /{re.escape(root)}\b", line):
            follow = lines[index + 1] if index + 1 < len(lines) else ""
            return line + ("\n" + follow if follow.startswith(f"    /{root} ") else "")
    raise AssertionError(f"/{root} is not in /help:\n{help_text}")


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
async def test_help_lists_every_command_and_keyword_of_every_plugin(
    make_bot: MakeBot, locale: str
) -> None:
    bot = await every_plugin_on(make_bot, locale=locale)
    text = await bot.say("/help")
    specs = unique_commands(bot)
    assert {s.plugin.name for s in specs} >= {"events", "sessions", "announce", "welcome"}
    for spec in specs:
        root, _, sub = spec.name.partition(" ")
        block = block_of(text, root)
        if sub:
            assert re.search(rf"[ :,]{re.escape(sub)}\b", block), (spec.name, block)
        for keyword in spec.keywords:
            assert keyword in block, (spec.name, keyword, block)


async def test_help_of_a_group_shows_its_subcommands(make_bot: MakeBot) -> None:
    bot = await every_plugin_on(make_bot)
    text = await bot.say("/help event")
    assert "no command" not in text.lower()
    for spec in unique_commands(bot):
        if spec.name.startswith("event "):
            assert f"/{spec.name}" in text
    assert "报名" in text and "到场" in text
    # The Chinese name of the group finds it too.
    assert "/event join" in await bot.say("/help 活动")


async def test_a_group_typed_alone_lists_its_subcommands(make_bot: MakeBot) -> None:
    bot = await every_plugin_on(make_bot)
    text = await bot.say("/event")
    events = [s.name for s in unique_commands(bot) if s.name.startswith("event ")]
    assert len(events) >= 10
    for name in events:
        assert f"/{name}" in text
    assert "/session volunteer" in await bot.say("/session")
    assert "/announce once" in await bot.say("/announce")


async def test_an_unknown_subcommand_names_the_valid_ones(make_bot: MakeBot) -> None:
    bot = await every_plugin_on(make_bot)
    text = await bot.say("/event bogus")
    assert "bogus" in text
    for sub in ("create", "join", "checkin", "list", "stats"):
        assert sub in text
    # A group that also is a command of its own: not "too many arguments", but the valid ones.
    text = await bot.say("/quiz bogus")
    assert "bogus" in text and "start" in text and "rank" in text
    assert "/lottery" in await bot.say("/lottery bogus")
    assert "reroll" in await bot.say("/lottery bogus")


async def test_a_group_of_a_plugin_switched_off_stays_silent(make_bot: MakeBot) -> None:
    bot = await every_plugin_on(make_bot)
    await bot.say("/plugin off events")
    assert await bot.say("/event") == ""
    assert await bot.say("/event bogus") == ""


def sample(param: Param) -> str:
    """A value the argument accepts, as a member would type it."""
    if isinstance(param.kind, tuple):
        return param.kind[0]
    return {int: "1", float: "1", bool: "yes", str: "x", User: "@bob"}[param.kind]


def documented_keywords(reference: Path) -> dict[str, str]:
    """Keyword -> command, from the keyword column of the generated reference."""
    found: dict[str, str] = {}
    for line in reference.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 5 or not cells[0].startswith("`/"):
            continue
        command = cells[0].strip("`")[1:]
        for keyword in re.findall(r"`([^`]+)`", cells[4]):
            found[keyword] = command
    return found


async def test_each_documented_keyword_triggers_its_command_bare(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await every_plugin_on(make_bot)
    ran: list[str] = []
    for spec in unique_commands(bot):

        async def record(ctx: Context, _name: str = spec.name, **_: Any) -> None:
            ran.append(_name)

        monkeypatch.setattr(spec, "handler", record)
    keywords = documented_keywords(ROOT / "docs" / "commands.md")
    for word in (
        "答题",
        "创建抽奖",
        "抽奖列表",
        "取消抽奖",
        "重新抽奖",
        "报名",
        "到场",
        "封群",
        "我来分享",
    ):
        assert word in keywords, word
    registry = bot.app.registry
    for keyword, usage in keywords.items():
        spec = registry.keywords[keyword]
        assert usage.startswith(spec.name)
        args = " ".join(sample(p) for p in spec.params if p.required)
        ran.clear()
        await bot.say(f"{keyword} {args}".strip())
        assert ran == [spec.name], (keyword, ran)


async def test_a_bare_keyword_without_its_arguments_says_nothing(make_bot: MakeBot) -> None:
    thanks = Plugin("thanks")

    @thanks.command("thanks", keywords=["谢谢"])
    async def thank(ctx: Context, member: User) -> None:
        await ctx.reply(f"thanked {member.display_name}")

    bot = await every_plugin_on(make_bot, thanks)
    assert await bot.say("谢谢") == ""
    assert await bot.say("报名") == ""
    assert await bot.say("到场 明天见") == ""
    assert "thanked bob" in await bot.say("谢谢 @bob")
    # With a prefix it is a command: a usage error is answered.
    assert "thanks <member>" in await bot.say("/谢谢")
    assert "event join <event_id>" in await bot.say("/报名")
