"""The welcome plugin: verification, applications, rules, welcome and goodbye, and the
exactly-once handling of joins however often they are delivered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select

from plugins.welcome import plugin as welcome_plugin
from plugins.welcome.captcha import EMOJIS
from plugins.welcome.models import Acceptance, Newcomer
from plugins.welcome.names import safe_name
from shequn import Capabilities, MemberJoined, Mention, Text, User
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in the default Asia/Shanghai
_newcomer = Newcomer.__table__  # type: ignore[attr-defined]
NATIVE_BUTTONS = Capabilities(buttons=True, delete=True, kick=True, mute=True)
"""A platform whose buttons work for muted members (Telegram, Discord)."""


async def new_bot(
    make_bot: MakeBot, *, capabilities: Capabilities | None = None, **config: object
) -> Harness:
    bot = await make_bot(welcome_plugin, start=START, capabilities=capabilities)
    bot.make_admin("admin")
    await bot.app.group_settings.set_enabled(welcome_plugin, "test:group", True)
    for key, value in config.items():
        await bot.app.group_settings.set_value(welcome_plugin, "test:group", key, str(value))
    return bot


async def challenge_of(bot: Harness, user: str) -> tuple[str, str, str]:
    """(kind, answer, status) of ``user``'s latest verification."""

    def read(conn: Connection) -> tuple[str, str, str]:
        row = conn.execute(select(_newcomer).where(_newcomer.c.account == f"test:{user}")).one()
        return row.kind, row.answer, row.status

    return await bot.app.db.read(read)


def group_members(bot: Harness) -> set[str]:
    return bot.platform.group("group").members


# -- verification -------------------------------------------------------------------------------


async def test_off_until_admins_switch_it_on(make_bot: MakeBot) -> None:
    bot = await make_bot(welcome_plugin, start=START)
    bot.make_admin("admin")
    assert await bot.join("carol") == ""
    assert not bot.actions
    assert "now on" in await bot.say("/plugin on welcome", user="admin")
    assert "press the button" in await bot.join("dave")


async def test_button_verification_mutes_then_welcomes(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, capabilities=NATIVE_BUTTONS)
    prompt = await bot.join("carol", inviter="bob")
    assert prompt.startswith("@carol welcome! Please press the button below within 5 minute(s)")
    assert ("mute", "group", "carol") in bot.actions
    assert "carol" in bot.platform.group("group").muted_until
    welcome = await bot.press("welcome:verify:ok", user="carol")
    assert "👋 Welcome @carol to group! You are member #1." in welcome
    assert "Invited by bob." in welcome
    assert ("unmute", "group", "carol") in bot.actions
    assert "carol" not in bot.platform.group("group").muted_until
    # The deadline job was cancelled: nothing happens when it would have been due.
    assert await bot.advance(timedelta(minutes=10)) == ""
    assert "carol" in group_members(bot)
    assert (await challenge_of(bot, "carol"))[2] == "passed"


async def test_numbered_reply_stands_for_the_button(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("carol")
    assert "Welcome @carol" in await bot.say("1", user="carol")


async def test_captcha_timeout_removes_the_newcomer(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="arithmetic")
    prompt = await bot.join("mallory")
    assert "Please send the result of" in prompt
    assert await bot.advance(timedelta(minutes=4)) == ""
    assert "mallory" in group_members(bot)
    removed = await bot.advance(timedelta(minutes=2))
    assert removed == "mallory did not verify in time and was removed."
    assert ("kick", "group", "mallory") in bot.actions
    assert "mallory" not in group_members(bot)
    assert (await challenge_of(bot, "mallory"))[2] == "failed"
    # Once only, and a late answer changes nothing.
    assert await bot.advance(timedelta(days=1)) == ""
    assert [a for a in bot.actions if a[0] == "kick"] == [("kick", "group", "mallory")]


async def test_timeout_can_keep_muted_or_only_warn(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, on_timeout="mute")
    await bot.join("mallory")
    kept = await bot.advance(timedelta(minutes=6))
    assert kept == "mallory did not verify in time and stays muted until an admin lifts it."
    assert "mallory" in bot.platform.group("group").muted_until
    assert "mallory" in group_members(bot)
    await bot.app.group_settings.set_value(welcome_plugin, "test:group", "on_timeout", "warn")
    await bot.join("trudy")
    warned = await bot.advance(timedelta(minutes=6))
    assert warned == "⚠️ trudy did not verify in time. Admins, please have a look."
    assert "trudy" not in bot.platform.group("group").muted_until
    assert not [a for a in bot.actions if a[0] == "kick"]


async def test_arithmetic_answer_wrong_then_right(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="arithmetic")
    await bot.join("carol")
    _, answer, _ = await challenge_of(bot, "carol")
    assert await bot.say("/help", user="carol") == "carol, that is not right. Tries left: 2."
    assert "Welcome @carol" in await bot.say(f" {answer} ", user="carol")
    # Verified members talk normally: their messages are no longer answers.
    assert await bot.say("hello", user="carol") == ""


async def test_too_many_wrong_answers_fail_at_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="emoji", verify_attempts=2)
    prompt = await bot.join("mallory")
    assert "Please pick the" in prompt and "1. 🍎" in prompt and "6. 🎈" in prompt
    _, answer, _ = await challenge_of(bot, "mallory")
    wrong = next(e for e, _ in EMOJIS if e != answer)
    assert "Tries left: 1" in await bot.press(f"welcome:verify:{wrong}", user="mallory")
    assert "was removed" in await bot.press(f"welcome:verify:{wrong}", user="mallory")
    assert "mallory" not in group_members(bot)
    assert await bot.advance(timedelta(minutes=10)) == ""  # the deadline job was cancelled


async def test_emoji_by_number_or_by_typing_it(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="emoji")
    await bot.join("carol")
    _, answer, _ = await challenge_of(bot, "carol")
    position = [e for e, _ in EMOJIS].index(answer) + 1
    assert "Welcome @carol" in await bot.say(str(position), user="carol")
    await bot.join("dave")
    _, answer, _ = await challenge_of(bot, "dave")
    assert "Welcome @dave" in await bot.say(answer, user="dave")


async def test_others_cannot_answer_for_a_newcomer(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("carol")
    assert "for newcomers only" in await bot.press("welcome:verify:ok", user="bob")
    assert (await challenge_of(bot, "carol"))[2] == "pending"


async def test_answer_and_deadline_racing_act_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("carol")
    bot.clock.advance(timedelta(seconds=299))
    before = len(bot.sent)
    await asyncio.gather(
        bot.press("welcome:verify:ok", user="carol"),
        bot.press("welcome:verify:ok", user="carol"),
        bot.advance(timedelta(seconds=2)),
    )
    joined = "\n".join(s.text for s in bot.sent[before:])
    welcomed, removed = joined.count("Welcome @carol"), joined.count("was removed")
    assert welcomed + removed == 1
    assert await bot.advance(timedelta(days=1)) == ""


async def test_leaving_before_verifying_ends_it_quietly(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, goodbye="true")
    await bot.join("carol")
    assert await bot.leave("carol") == ""
    assert await bot.advance(timedelta(minutes=10)) == ""
    assert (await challenge_of(bot, "carol"))[2] == "failed"
    # Coming back starts a new verification.
    assert "press the button" in await bot.join("carol")


# -- exactly once ------------------------------------------------------------------------------


async def test_redelivered_join_never_verifies_twice(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, capabilities=NATIVE_BUTTONS)
    event = bot.platform.join_event("carol", "group", "bob")
    first = await bot.deliver(event)
    assert len(first) == 1 and "press the button" in first[0]
    assert await bot.deliver(event) == []
    # A second process (or a restart) on the same database gets the same event again.
    other = await make_bot(welcome_plugin, start=START, database="bot0.db")
    other.clock.set(bot.clock.now())
    assert await other.deliver(event) == []
    assert [a for a in bot.actions + other.actions if a[0] == "mute"] == [
        ("mute", "group", "carol")
    ]
    await bot.press("welcome:verify:ok", user="carol")
    assert await other.deliver(event) == []
    assert await bot.deliver(event) == []


async def test_redelivered_join_never_welcomes_twice(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="off")
    event = bot.platform.join_event("carol", "group")
    assert "Welcome @carol" in "\n".join(await bot.deliver(event))
    other = await make_bot(welcome_plugin, start=START, database="bot0.db")
    results = await asyncio.gather(other.deliver(event), other.deliver(event))
    assert results == [[], []]


# -- the welcome -------------------------------------------------------------------------------


async def test_hostile_names_are_shown_harmlessly(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="off")
    names = ["@everyone", "[CQ:at,qq=all]", "x" * 10_000, "<@&123> \u202egnp.exe\n@here"]
    for number, name in enumerate(names):
        user_id = f"1000{number}"
        event = MemberJoined(
            id=f"join-{number}",
            platform="test",
            scene=bot.platform.group("group").scene,
            user=User(platform="test", id=user_id, name=name),
            time=bot.clock.now(),
        )
        before = len(bot.sent)
        await bot.deliver(event)
        (sent,) = bot.sent[before:]
        mentions = sent.message.only(Mention)
        assert mentions == [Mention(user_id, safe_name(name, user_id, 32))]
        text = "".join(s.text for s in sent.message.only(Text))
        shown = sent.text
        for dangerous in ("@everyone", "@here", "[CQ:", "<@", "\u202e", "\n@"):
            assert dangerous not in text
            assert dangerous not in shown.replace(f"@{mentions[0].name}", "")  # type: ignore[union-attr]
        assert len(shown) < 200
    assert "＠everyone" in bot.sent[-4].text
    assert "［CQ:at,qq=all］" in bot.sent[-3].text
    assert "x" * 31 + "…" in bot.sent[-2].text


async def test_template_with_every_variable_and_titles(make_bot: MakeBot) -> None:
    bot = await new_bot(
        make_bot,
        verify="off",
        rules="Be kind.",
        rules_accept="false",
        welcome_text="Hi {mention} ({name}) in {group}, #{count}, via {inviter}: {rules} {title}",
    )
    await bot.app.titles.grant(bot.person("bob"), bot.community(), "Connector")
    await bot.app.identity.remember_name(User(platform="test", id="bob", name="Bob [CQ:face]"))
    welcome = await bot.join("carol", inviter="bob")
    assert welcome == "Hi @carol (carol) in group, #1, via bob 🏅Connector: Be kind. "
    assert "Invited by" not in welcome


async def test_bad_templates_are_refused(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    reply = await bot.say("/config welcome welcome_text Hi {user}", user="admin")
    assert "unknown variable(s) user" in reply
    reply = await bot.say("/config welcome welcome_text Hi {name", user="admin")
    assert "not a template" in reply
    reply = await bot.say("/config welcome welcome_text Hi {name.__class__}", user="admin")
    assert "unknown variable(s)" in reply


async def test_intro_goodbye_and_removal_after_minutes(make_bot: MakeBot) -> None:
    bot = await new_bot(
        make_bot, verify="off", intro="true", goodbye="true", delete_after_minutes=30
    )
    welcome = await bot.join("carol")
    assert "please introduce yourself" in welcome
    ids = [s.message_id for s in bot.sent[-2:]]
    assert await bot.advance(timedelta(minutes=29)) == ""
    assert not [a for a in bot.actions if a[0] == "delete"]
    await bot.advance(timedelta(minutes=2))
    assert [a for a in bot.actions if a[0] == "delete"] == [
        ("delete", "group", ids[0]),
        ("delete", "group", ids[1]),
    ]
    assert await bot.leave("carol") == "👋 carol has left group. Goodbye!"


async def test_admin_preview(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/welcome", user="admin") == (
        "👋 Welcome @admin to group! You are member #1."
    )
    assert "needs admin rights" in await bot.say("/welcome", user="bob")


# -- rules -------------------------------------------------------------------------------------


async def test_rules_accepted_by_button_or_reply_with_time(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, verify="off", rules="1. Be kind.\n2. No ads.")
    welcome = await bot.join("carol")
    assert "📜 Group rules:\n1. Be kind.\n2. No ads." in welcome
    assert "1. I accept" in welcome
    assert "your acceptance of the rules is recorded" in await bot.press(
        "welcome:rules:accept", user="carol"
    )
    bot.clock.advance(timedelta(hours=1))
    assert "you accepted these rules on 2025-03-10 10:00" in await bot.say("I accept", user="carol")
    assert "recorded" in await bot.say("我同意", user="bob")
    assert await bot.say("/rules", user="carol") == (
        "📜 Group rules:\n1. Be kind.\n2. No ads.\nYou accepted them on 2025-03-10 10:00."
    )
    assert "press the button" in await bot.say("群规", user="dave")
    # New wording: members are asked again.
    await bot.app.group_settings.set_value(welcome_plugin, "test:group", "rules", "Be nice.")
    assert "press the button" in await bot.say("/rules", user="carol")
    assert "recorded" in await bot.say("I accept", user="carol")

    def read(conn: Connection) -> int:
        table = Acceptance.__table__  # type: ignore[attr-defined]
        return len(conn.execute(select(table)).all())

    assert await bot.app.db.read(read) == 2


async def test_no_rules(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/rules") == "This group has no rules set."


# -- applications -------------------------------------------------------------------------------


async def test_applications_approved_by_answer_or_inviter(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, answer="Shequn")
    reply = await bot.request_join("carol", "Question: where? Answer:  shequn ")
    assert reply == "✅ carol (id carol) answered the entry question and was let in."
    reply = await bot.request_join("dave", "hi", inviter="bob")
    assert reply == "✅ dave (id dave) was invited by a member and was let in."
    assert [a for a in bot.actions if a[0] == "approve"] == [
        ("approve", "group", "carol"),
        ("approve", "group", "dave"),
    ]


async def test_applications_queue_for_admins(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, answer="Shequn")
    queued = await bot.request_join("erin", "let me in [CQ:at,qq=all]")
    assert queued == (
        "📝 erin (id erin) asks to join: “let me in ［CQ:at,qq=all］”. "
        "Admins: /approve erin or /reject erin [reason]."
    )
    await bot.request_join("frank", "")
    assert await bot.say("/pending", user="admin") == (
        "Pending join applications (2):\n"
        "1. erin (id erin): “let me in ［CQ:at,qq=all］”\n"
        "2. frank (id frank): “(no message)”\n"
        "Answer with /approve ID or /reject ID [reason]."
    )
    assert "needs admin rights" in await bot.say("/approve erin", user="bob")
    before = len(bot.sent)
    await asyncio.gather(
        bot.say("/approve erin", user="admin"), bot.say("/approve erin", user="admin")
    )
    replies = "\n".join(s.text for s in bot.sent[before:])
    assert replies.count("✅ Application of erin approved.") == 1
    assert "There is no pending application of erin." in replies
    assert await bot.say("/reject frank spam account", user="admin") == (
        "⛔ Application of frank declined (spam account)."
    )
    assert [a for a in bot.actions if a[0] in ("approve", "reject")] == [
        ("approve", "group", "erin"),
        ("reject", "group", "frank"),
    ]
    assert await bot.say("/pending", user="admin") == "No pending join applications."


async def test_manual_mode_and_block_list(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, applications="manual", answer="Shequn")
    assert "asks to join" in await bot.request_join("carol", "shequn", inviter="bob")
    assert "is now on the block list" in await bot.say(
        "/welcome block @mallory spammer", user="admin"
    )
    assert "already on the block list" in await bot.say("/welcome block @mallory", user="admin")
    reply = await bot.request_join("mallory", "shequn", inviter="bob")
    assert reply == "⛔ mallory (id mallory) is on the block list; the application was declined."
    assert ("reject", "group", "mallory") in bot.actions
    assert await bot.say("/welcome blocked", user="admin") == (
        "Block list (1):\n- mallory: spammer"
    )
    assert "off the block list" in await bot.say("/welcome unblock @mallory", user="admin")
    assert await bot.say("/welcome blocked", user="admin") == "The block list is empty."


async def test_redelivered_application_is_decided_once(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    event = bot.platform.join_request_event("dave", "group", "hi", "bob")
    assert len(await bot.deliver(event)) == 1
    other = await make_bot(welcome_plugin, start=START, database="bot0.db")
    assert await other.deliver(event) == []
    assert [a for a in bot.actions + other.actions if a[0] == "approve"] == [
        ("approve", "group", "dave")
    ]


async def test_applications_off(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, applications="off")
    assert await bot.request_join("carol", "hello") == ""
    assert not bot.actions


# -- shipped files ------------------------------------------------------------------------------
