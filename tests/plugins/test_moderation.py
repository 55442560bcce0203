"""Moderation: filters, escalation, admin commands, audit log, blacklist and the kick-chain."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Connection, func, select

from plugins.moderation import ModerationConfig
from plugins.moderation import plugin as moderation_plugin
from plugins.moderation.filters import content_violation
from plugins.moderation.models import AuditEntry, Removal
from plugins.signin import plugin as signin_plugin
from shequn import Message, Text
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
_audit = AuditEntry.__table__  # type: ignore[attr-defined]
_removal = Removal.__table__  # type: ignore[attr-defined]


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(moderation_plugin, signin_plugin, **options)
    bot.make_admin("admin")
    return bot


def kicked(bot: Harness, action: str = "kick") -> list[str]:
    return [user for done, _, user in bot.actions if done == action]


async def audit_actions(bot: Harness) -> list[tuple[str, str]]:
    def read(conn: Connection) -> list[tuple[str, str]]:
        rows = conn.execute(select(_audit.c.action, _audit.c.target).order_by(_audit.c.id))
        return [(r.action, r.target) for r in rows]

    return await bot.app.db.read(read)


async def configure(bot: Harness, key: str, value: str) -> None:
    answer = await bot.say(f"/config moderation {key} {value}", user="admin")
    assert f"moderation.{key} is now" in answer, answer


# -- escalation and commands ------------------------------------------------------------------


async def test_warnings_escalate_warn_then_mute_then_kick(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("hello", user="bob")
    first = await bot.say("/warn @bob off topic", user="admin")
    assert first == "⚠️ bob is warned (1): off topic."
    assert kicked(bot, "mute") == [] and kicked(bot) == []
    second = await bot.say("/warn @bob again", user="admin")
    assert "⚠️ bob is warned (2): again." in second
    assert "🔇 bob is muted for 10 min: 2 warnings." in second
    assert kicked(bot, "mute") == ["bob"]
    third = await bot.say("/warn @bob third time", user="admin")
    assert "👢 bob was removed: 3 warnings." in third
    assert kicked(bot) == ["bob"]
    assert "bob" not in bot.platform.group("group").members
    assert await bot.say("/warns @bob", user="admin") == (
        "bob has 3 active warnings:\n"
        "  2025-03-10 10:00: off topic\n"
        "  2025-03-10 10:00: again\n"
        "  2025-03-10 10:00: third time"
    )
    assert [a for a, _ in await audit_actions(bot)] == [
        "warn", "warn", "mute", "warn", "kick"
    ]  # fmt: skip


async def test_a_redelivered_warn_counts_once(make_bot: MakeBot, tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    first = await new_bot(make_bot, database=database)
    second = await new_bot(make_bot, database=database)  # another worker, its own memory
    event = first.message("/warn @bob spam", user="admin")
    await first.deliver(event)
    await first.deliver(event)
    await second.deliver(event)
    assert (await first.say("/warns @bob", user="admin")).startswith("bob has 1 active")
    assert [a for a, _ in await audit_actions(first)] == ["warn"]


async def test_unwarn_and_warns_permissions(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/warn @bob rude", user="admin")
    assert await bot.say("/warns @bob", user="carol") == (
        "Only admins can see other members' warnings."
    )
    assert (await bot.say("/warns", user="bob")).startswith("bob has 1 active warning")
    assert await bot.say("/unwarn @bob", user="admin") == "Took back bob's latest warning; 0 left."
    assert await bot.say("/unwarn @bob", user="admin") == "bob has no active warnings."
    assert await bot.say("/warn @carol", user="bob") == "/warn needs admin rights."


async def test_warnings_expire(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "warn_expire_days", "1")
    await bot.say("/warn @bob a", user="admin")
    await bot.advance(timedelta(days=2))
    assert "warned (1)" in await bot.say("/warn @bob b", user="admin")


async def test_admin_commands_mute_unmute_kick_ban_unban_and_log(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/mute @bob 5 noisy", user="admin") == (
        "🔇 bob is muted for 5 min: noisy."
    )
    assert await bot.say("/unmute @bob", user="admin") == "🔊 bob may speak again."
    assert await bot.say("/kick @bob", user="admin") == "👢 bob was removed: no reason given."
    assert await bot.say("/ban @eve scam", user="admin") == (
        "⛔ eve is banned from this community: scam."
    )
    assert await bot.say("/mute @admin", user="admin") == (
        "admin is an admin; moderation commands do not apply to admins."
    )
    assert "not banned" in await bot.say("/unban @bob", user="admin")
    assert await bot.say("/kick @carol", user="bob") == "/kick needs admin rights."
    log = await bot.say("/modlog", user="admin")
    assert log.splitlines()[0] == "Moderation log, latest 5:"
    assert "admin: banned eve (scam)" in log
    assert "admin: muted bob (noisy)" in log
    assert await bot.say("/mute @bob 99999", user="admin") == (
        "A mute lasts from 1 to 43200 minutes (30 days)."
    )


async def test_ban_puts_the_member_on_the_community_blacklist(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, superusers=["test:root"])
    await bot.say("/community create club", user="root")
    await bot.say("/community add club test:group", user="root")
    await bot.say("/community add club test:other", user="root")
    bot.platform.group("other")
    await bot.say("/ban @eve scam", user="admin")
    assert sorted(g for a, g, u in bot.actions if a == "ban" and u == "eve") == ["group", "other"]
    answer = await bot.join("eve", group="third")
    assert answer == ""  # a group of its own: not this community
    await bot.say("/community add club test:third", user="root")
    bot.make_admin("admin", group="third")
    assert "blacklist" in await bot.join("eve", group="third")
    assert "eve" in bot.platform.group("third").banned
    assert "no longer banned" in await bot.say("/unban @eve", user="admin")


# -- filters ----------------------------------------------------------------------------------


async def test_ad_keyword_deletes_kicks_and_stops_the_event(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "ad_keywords", "加微信,代购")
    answer = await bot.say("签到 加微信 abc123", user="spammer")
    assert answer == "👢 spammer was removed: advertising (加微信)."
    assert bot.actions[0][:2] == ("delete", "group")
    assert kicked(bot) == ["spammer"]
    assert await bot.balance("spammer") == 0  # the sign-in keyword never reached signin


async def test_invite_links_regexes_links_and_mentions(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "actions", "invite_link:warn,ad:warn,link:delete,mentions:warn")
    assert "invite link to another group" in await bot.say("join t.me/+AbCdEf", user="bob")
    await configure(bot, "ad_patterns", r"\d{11}")
    assert "advertising" in await bot.say("call 13800138000 now", user="carl")
    await configure(bot, "block_links", "true")
    await configure(bot, "allowed_domains", "example.org")
    assert await bot.say("see https://spam.example.com/x", user="dan") == (
        "🗑️ dan, your message was removed: links are not allowed (https://spam.example.com/x)."
    )
    assert bot.actions[-1][0] == "delete"
    deleted = len([a for a in bot.actions if a[0] == "delete"])
    assert await bot.say("docs at https://docs.example.org/a", user="dan") == ""
    assert len([a for a in bot.actions if a[0] == "delete"]) == deleted
    many = " ".join(f"@u{i}" for i in range(7))
    assert "too many mentions" in await bot.say(f"hey {many}", user="finn")
    assert await bot.say("/warns @dan", user="admin") == "dan has no active warnings."


async def test_flooding_and_repeats(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "flood_messages", "3")
    for index in range(3):
        assert await bot.say(f"message {index}", user="bob") == ""
    assert "🔇 bob is muted for 10 min: flooding." in await bot.say("message 4", user="bob")
    await bot.advance(timedelta(minutes=1))
    assert await bot.say("same", user="carol") == ""
    assert await bot.say("same", user="carol") == ""
    assert "repeating the same message" in await bot.say("same", user="carol")


async def test_admins_are_exempt(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "ad_keywords", "加微信")
    assert await bot.say("加微信 for the group meetup", user="admin") == ""
    assert bot.actions == []


async def test_newcomers_get_stricter_limits_for_their_first_messages(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "newcomer_messages", "2")
    await bot.join("newbie")
    assert "links are not allowed" in await bot.say("look https://example.com", user="newbie")
    assert bot.actions[-1] == ("delete", "group", bot.actions[-1][2])
    before = len(bot.actions)
    assert await bot.say("hi all", user="newbie") == ""
    assert await bot.say("look https://example.com", user="newbie") == ""
    assert len(bot.actions) == before  # the stricter period is over
    assert await bot.say("look https://example.com", user="oldtimer") == ""
    assert len(bot.actions) == before


def test_filters_survive_huge_and_odd_input() -> None:
    config = ModerationConfig(ad_keywords=["buy"], block_links=True)
    huge = Message([Text("ä" * 100_000 + " buy")])
    assert content_violation(huge, config, newcomer=False) is None  # beyond the scan limit
    odd = Message([Text("\u202e\u0000\U0001f600 buy now")])
    found = content_violation(odd, config, newcomer=False)
    assert found is not None and found.rule == "ad"


def test_config_rejects_bad_patterns_and_parses_pairs() -> None:
    with pytest.raises(ValidationError):
        ModerationConfig(ad_patterns=["("])
    with pytest.raises(ValidationError):
        ModerationConfig(ad_patterns=["a" * 500])
    with pytest.raises(ValidationError):
        ModerationConfig.model_validate({"actions": "ad:explode"})
    parsed = ModerationConfig.model_validate({"actions": "ad:ban，flood：warn"})
    assert parsed.actions == {"ad": "ban", "flood": "warn"}
    assert parsed.action_for("link") == "delete"


# -- the kick-chain rule ----------------------------------------------------------------------


async def three_levels(bot: Harness) -> None:
    """spammer -> ann, ben; ann -> cat; cat -> dan; and an unrelated zoe."""
    await bot.join("spammer")
    await bot.join("ann", inviter="spammer")
    await bot.join("ben", inviter="spammer")
    await bot.join("cat", inviter="ann")
    await bot.join("dan", inviter="cat")
    await bot.join("zoe")


async def test_chain_removes_direct_invitees_only(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await three_levels(bot)
    answer = await bot.say("/kickchain @spammer ads", user="admin")
    assert "👢 spammer was removed: ads." in answer
    assert "Kick-chain rule: 2 members invited by spammer were removed too: ann, ben." in answer
    assert kicked(bot) == ["spammer", "ann", "ben"]


async def test_chain_removes_the_whole_subtree_but_spares_exempt_members(
    make_bot: MakeBot,
) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "chain_depth", "subtree")
    await configure(bot, "chain_exempt", "ben")
    await three_levels(bot)
    await bot.join("eli", inviter="ben")
    answer = await bot.say("/kickchain @spammer", user="admin")
    assert "3 members invited by spammer were removed too: ann, cat, dan." in answer
    assert "Kept (admin, exempt or trusted, with everyone they invited): ben." in answer
    assert kicked(bot) == ["spammer", "ann", "cat", "dan"]
    rows = await bot.app.db.read(
        lambda conn: [
            (r.person, r.depth, r.status)
            for r in conn.execute(select(_removal).order_by(_removal.c.depth, _removal.c.person))
        ]
    )
    assert rows == [
        ("test:ann", 1, "removed"),
        ("test:cat", 2, "removed"),
        ("test:dan", 3, "removed"),
    ]


async def test_chain_by_an_ad_rule_spares_trusted_and_admin_invitees(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "ad_keywords", "加微信")
    await configure(bot, "chain_trust_signins", "2")
    await three_levels(bot)
    bot.make_admin("ann")
    for _ in range(2):
        await bot.say("/signin", user="ben")
        await bot.advance(timedelta(days=1))
    answer = await bot.say("加微信 cheap", user="spammer")
    assert "👢 spammer was removed: advertising (加微信)." in answer
    assert "Kept (admin, exempt or trusted, with everyone they invited): ann, ben." in answer
    assert kicked(bot) == ["spammer"]


async def test_chain_only_for_recent_joins(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await configure(bot, "chain_within_days", "3")
    await bot.join("spammer")
    await bot.join("old", inviter="spammer")
    await bot.advance(timedelta(days=5))
    await bot.join("new", inviter="spammer")
    await bot.say("/kickchain @spammer", user="admin")
    assert kicked(bot) == ["spammer", "new"]


async def test_restore_and_appeal(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await three_levels(bot)
    await bot.say("/kickchain @spammer", user="admin")
    assert await bot.say("/appeal", user="ann", group=None) == (
        "Say why, e.g. /appeal I did not know that person."
    )
    before = len(bot.sent)
    answer = await bot.say("/appeal I barely know them", user="ann", group=None)
    assert answer.endswith("Your appeal was passed on to the admins.")
    notices = [s.text for s in bot.sent[before:] if s.scene.id == "group"]
    assert notices == ["📨 Appeal from ann (id ann): “I barely know them”. Admins: /restore ann"]
    assert "appeal: “I barely know them”" in await bot.say("/removals", user="admin")
    assert await bot.say("/restore ann", user="admin") == "ann is restored and may come back."
    assert await bot.say("/restore @ann", user="admin") == (
        "ann has no kick-chain removal to undo."
    )
    assert ("restore", "test:ann") in await audit_actions(bot)
    assert "ann" not in await bot.say("/removals", user="admin")
    assert await bot.say("/appeal again", user="zoe", group=None) == (
        "You have no removal to appeal (or you already appealed)."
    )


async def test_chain_kicks_once_under_redelivery_and_two_workers(
    make_bot: MakeBot, tmp_path: Path
) -> None:
    database = tmp_path / "shared.db"
    first = await new_bot(make_bot, database=database)
    second = await new_bot(make_bot, database=database)
    await three_levels(first)
    await configure(first, "ad_keywords", "加微信")
    await second.app.group_settings.load()
    event = first.message("加微信 now", user="spammer", event_id="spam-1")
    await asyncio.gather(first.deliver(event), second.deliver(event), first.deliver(event))
    assert sorted(kicked(first) + kicked(second)) == ["ann", "ben", "spammer"]

    def removals(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(_removal)).scalar_one())

    assert await first.app.db.read(removals) == 2


# -- shipped files ----------------------------------------------------------------------------
