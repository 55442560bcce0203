"""The Discord adapter's pure parts: slash generation, invite attribution, export, settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest

from adapters.discord import configured, slash
from adapters.discord.invites import InviteInfo, Personal, Snapshot, attribute
from adapters.discord.settings import read_settings
from shequn import Context, Level, Mention, Message, Plugin, Settings, Text, User
from shequn.internal.plugin import CommandSpec

ROOT = Path(__file__).resolve().parents[3]


def _commands() -> list[CommandSpec]:
    plugin = Plugin("sample")

    @plugin.command("quote", aliases=["语录"])
    async def quote(
        ctx: Context, who: User, mode: Literal["add", "show"] = "show", *, text: str = ""
    ) -> None: ...

    @plugin.command("quote top", aliases=["语录 排行"])
    async def top(ctx: Context, count: int = 5) -> None: ...

    @plugin.command("名字")
    async def bad(ctx: Context) -> None: ...

    @plugin.command("set")
    async def setting(ctx: Context, flag: bool, ratio: float) -> None: ...

    return plugin.commands


def _built() -> slash.SlashCommands:
    return slash.build(_commands(), lambda spec, loc: f"{spec.name} ({loc})", lambda p, loc: p.name)


def test_slash_commands_have_typed_options_subcommands_and_chinese_names() -> None:
    built = _built()
    by_name = {c["name"]: c for c in built.payload}
    assert set(by_name) == {"quote", "quote-top", "set", "名字"}  # Chinese letters are allowed
    quote, top = by_name["quote"], by_name["quote-top"]
    assert quote["name_localizations"] == {"zh-CN": "语录"}
    assert top["name_localizations"] == {"zh-CN": "语录-排行"}
    assert [o["name"] for o in top["options"]] == ["count"]
    options = {o["name"]: o for o in quote["options"]}
    assert options["who"]["type"] == 6 and options["who"]["required"]
    assert options["mode"]["choices"] == [
        {"name": "add", "value": "add"},
        {"name": "show", "value": "show"},
    ]
    assert [o["type"] for o in by_name["set"]["options"]] == [5, 10]
    assert quote["description_localizations"]["zh-CN"] == "quote (zh-CN)"
    assert built.routes[("quote-top",)].name == "quote top"


def test_past_discords_limit_admin_subcommands_are_left_out_first() -> None:
    plugin = Plugin("many")
    for number in range(60):

        @plugin.command(f"c{number:02}")
        async def bare(ctx: Context) -> None: ...

        @plugin.command(f"c{number:02} admin", permission=Level.ADMIN)
        async def admin(ctx: Context) -> None: ...

    built = slash.build(plugin.commands, lambda spec, loc: spec.name, lambda p, loc: p.name)
    names = [c["name"] for c in built.payload]
    assert len(names) == 100 and {f"c{n:02}" for n in range(60)} <= set(names)
    assert len(built.dropped) == 20 and all(n.endswith("-admin") for n in built.dropped)


def test_choices_must_name_an_argument() -> None:
    async def source(ctx: object) -> list[tuple[str, str]]:
        return []

    plugin = Plugin("picky")
    with pytest.raises(TypeError, match="unknown arguments: missing"):

        @plugin.command("pick", choices={"missing": source})
        async def pick(ctx: Context, item: str) -> None: ...


def test_an_invocation_reads_back_as_the_typed_command() -> None:
    built = _built()
    data = {
        "name": "quote",
        "options": [
            {"name": "who", "type": 6, "value": "42"},
            {"name": "text", "type": 3, "value": 'he said "hi"  there'},
        ],
        "resolved": {"users": {"42": {"id": "42", "username": "bob"}}},
    }
    found = slash.invocation(built.routes, data, "/", "discord")
    assert found is not None and found.command.name == "quote"
    # The skipped ``mode`` keeps its default so ``text`` lands where it belongs.
    said = Text(' he said "hi" there')
    assert found.message == Message(
        [Text("/quote"), Text(" "), Mention("42", "bob"), Text(" show"), said]
    )
    top = {"name": "quote-top", "options": [{"name": "count", "type": 4, "value": 3}]}
    found = slash.invocation(built.routes, top, "/", "discord")
    assert found is not None and found.message == Message([Text("/quote top"), Text(" 3")])
    assert slash.invocation(built.routes, {"name": "nope"}, "/", "discord") is None
    assert slash.invocation(built.routes, {"options": 5}, "/", "discord") is None


def _snapshot(uses: dict[str, int], vanity: int | None = None, max_uses: int = 0) -> Snapshot:
    invites = {
        code: InviteInfo(uses=n, max_uses=max_uses, inviter_id="7", inviter_name="bob")
        for code, n in uses.items()
    }
    return Snapshot(invites, vanity)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (_snapshot({"a": 1, "b": 0}), _snapshot({"a": 2, "b": 0}), (("7", "bob"), "invite_uses:a")),
        (_snapshot({"a": 1}, 5), _snapshot({"a": 1}, 6), (None, "vanity_url")),
        (_snapshot({"a": 1}, 5), _snapshot({"a": 2}, 6), (None, "unknown")),
        (_snapshot({"a": 1, "b": 0}), _snapshot({"a": 2, "b": 1}), (None, "unknown")),
        (_snapshot({"a": 1}), _snapshot({"a": 3}), (None, "unknown")),
        (_snapshot({"a": 1}), _snapshot({"a": 1}), (None, "unknown")),
        (_snapshot({"a": 1}), _snapshot({"a": 1, "new": 1}), (("7", "bob"), "invite_uses:new")),
        (_snapshot({"one": 0}, max_uses=1), _snapshot({}), (("7", "bob"), "invite_uses:one")),
    ],
)
def test_invite_attribution(
    before: Snapshot, after: Snapshot, expected: tuple[tuple[str, str] | None, str]
) -> None:
    found = attribute(before, after, {}, bot_id="1")
    assert (found.inviter, found.via) == expected


def test_a_bot_made_invite_credits_its_member_or_nobody() -> None:
    made_by_bot = InviteInfo(uses=0, max_uses=0, inviter_id="1", inviter_name="shequn")
    before = Snapshot({"p": made_by_bot}, None)
    after = Snapshot({"p": InviteInfo(1, 0, "1", "shequn")}, None)
    owned = attribute(before, after, {"p": Personal("9", "alice", "ref-abc")}, "1")
    assert (owned.inviter, owned.via) == (("9", "alice"), "invite_link:ref-abc")
    unknown_owner = attribute(before, after, {}, "1")
    assert (unknown_owner.inviter, unknown_owner.via) == (None, "invite_uses:p")


def test_export_escapes_markdown_and_splits_long_text() -> None:
    from adapters.discord.exporter import export

    parts = export(Message(["**not bold** @everyone ", Mention("5", "x"), "\n" + "y" * 2500]))
    assert parts[0].content.startswith("\\*\\*not bold\\*\\* \\@\u200beveryone <@5>")
    assert [len(p.content) for p in parts][1:] == [2000, 500]
    assert parts[0].mentions == [5]


def test_settings_and_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(__import__("os").environ):
        if key.upper().startswith("SHEQUN_DISCORD__"):
            monkeypatch.delenv(key)
    assert not configured(Settings())
    monkeypatch.setenv("SHEQUN_DISCORD__TOKEN", "secret")
    monkeypatch.setenv("SHEQUN_DISCORD__GUILD_IDS", "123")
    settings = Settings()
    assert configured(settings)
    options = read_settings(settings)
    assert options.token.get_secret_value() == "secret" and options.guild_ids == [123]
    assert "secret" not in repr(options)


def test_the_package_does_not_import_discord_py() -> None:
    code = (
        "import sys, adapters.discord as d; from shequn import Settings; "
        "d.configured(Settings()); assert 'discord' not in sys.modules, 'discord imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
