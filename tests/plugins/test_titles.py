"""Titles: granted by admins, expiring, pushed to the platform, and handed out by rules
computed from the ledger; the core service that holds them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plugins.signin import plugin as signin_plugin
from plugins.titles import plugin as titles_plugin
from plugins.titles.commands import split_days
from plugins.welcome import plugin as welcome_plugin
from shequn import Posting
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot
from shequn.titles import TitleError, clean_title

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in the default Asia/Shanghai
DAY = timedelta(days=1)


async def new_bot(make_bot: MakeBot, *plugins: object, **config: object) -> Harness:
    bot = await make_bot(titles_plugin, *plugins, start=START)
    bot.make_admin("admin")
    for key, value in config.items():
        await bot.app.group_settings.set_value(titles_plugin, "test:group", key, str(value))
    return bot


async def post(bot: Harness, user: str, plugin: str, amount: int, key: str) -> None:
    reason = f"{plugin} {key}"
    await bot.app.ledger.post(
        Posting(bot.person(user), bot.community(), amount, reason, key, "test:group", plugin)
    )


# -- granted by admins ---------------------------------------------------------------------------


async def test_grant_list_and_revoke(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/title @bob Night Owl", user="admin") == (
        "🏅 bob now holds the title “Night Owl” (until revoked)."
    )
    assert bot.platform.titles[("group", "bob")] == "Night Owl"
    assert "needs admin rights" in await bot.say("/title @bob King", user="bob")
    await bot.say("/title @carol Night Owl", user="admin")
    await bot.say("/title @bob Helper 7", user="admin")
    assert bot.platform.titles[("group", "bob")] == "Helper"  # the newest shows
    assert await bot.say("/titles") == (
        "Titles in this community:\n🏅 Helper: bob\n🏅 Night Owl: carol, bob"
    )
    assert await bot.say("/titles @bob") == (
        "Titles of bob:\n🏅 Helper (until 2025-03-17 10:00)\n🏅 Night Owl (until revoked)"
    )
    assert await bot.say("/untitle @bob Helper", user="admin") == "bob no longer holds: Helper."
    assert bot.platform.titles[("group", "bob")] == "Night Owl"
    assert await bot.say("/untitle @bob", user="admin") == "bob no longer holds: Night Owl."
    assert ("group", "bob") not in bot.platform.titles
    assert await bot.say("/untitle @bob", user="admin") == "bob holds no title."
    assert await bot.app.titles.active_titles(bot.person("carol"), bot.community()) == ["Night Owl"]


async def test_granted_title_expires(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/title @bob Helper 2", user="admin")
    assert await bot.advance(DAY) == ""
    assert await bot.advance(DAY) == "bob's title “Helper” has ended."
    assert await bot.say("/titles @bob") == "bob holds no title."
    assert ("group", "bob") not in bot.platform.titles
    # Granted again before the end: the old end does not take it away.
    await bot.say("/title @bob Helper 1", user="admin")
    await bot.say("/title @bob Helper", user="admin")
    assert await bot.advance(2 * DAY) == ""
    assert await bot.say("/titles @bob") == "Titles of bob:\n🏅 Helper (until revoked)"


async def test_bad_titles_and_days(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/title @bob " + "x" * 25, user="admin") == (
        "A title has at most 24 characters."
    )
    assert await bot.say("/title @bob \u200b\u202e", user="admin") == "A title needs a name."
    assert await bot.say("/title @bob Helper 0", user="admin") == "DAYS must be between 1 and 3650."
    assert "Usage: /title <member> <name...>" in await bot.say("/title @bob", user="admin")
    assert split_days("Night Owl 7") == ("Night Owl", 7)
    assert split_days("666") == ("666", None)
    for bad in ("", " \n ", "\u2067\u2069"):
        try:
            clean_title(bad)
        except TitleError as error:
            assert error.key == "title.empty"
        else:
            raise AssertionError(f"{bad!r} was accepted")
    assert clean_title("  Top \n Helper ") == "Top Helper"


async def test_titles_show_in_the_welcome(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, welcome_plugin)
    await bot.app.group_settings.set_enabled(welcome_plugin, "test:group", True)
    await bot.app.group_settings.set_value(welcome_plugin, "test:group", "verify", "off")
    await bot.say("/title @bob Connector", user="admin")
    welcome = await bot.join("carol", inviter="bob")
    assert "Invited by bob 🏅Connector." in welcome


async def test_platform_without_titles_is_silent(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    bot.platform.capabilities = type(bot.platform.capabilities)(titles=False)
    assert "now holds" in await bot.say("/title @bob Helper", user="admin")
    assert bot.platform.titles == {}


# -- rules ---------------------------------------------------------------------------------------


async def test_streak_rule_from_signins(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, signin_plugin, streak_minimum=2)
    assert await bot.say("hello") == ""
    assert await bot.app.scheduler.pending("titles") == []  # nothing to measure yet
    reports = []
    for day in range(3):
        await bot.say("/signin", user="bob")
        if day < 1:
            await bot.say("/signin", user="carol")
        reports.append(await bot.advance(DAY))
    # Day 1: nobody has 2 days yet; day 2: bob does; day 3: he keeps it, no new notice.
    assert reports == ["", "🌟 bob now hold(s) “Sign-in Star” with a 2-day sign-in streak!", ""]
    assert await bot.app.titles.active_titles(bot.person("bob"), bot.community()) == [
        "Sign-in Star"
    ]
    assert bot.platform.titles[("group", "bob")] == "Sign-in Star"
    # Bob stops; carol takes over once her streak is longer.
    for _ in range(5):
        await bot.say("/signin", user="carol")
        await bot.advance(DAY)
    assert await bot.app.titles.active_titles(bot.person("bob"), bot.community()) == []
    assert ("group", "bob") not in bot.platform.titles
    assert await bot.app.titles.active_titles(bot.person("carol"), bot.community()) == [
        "Sign-in Star"
    ]


async def test_quote_and_inviter_rules_from_the_ledger(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, inviters_title="KOL", quotes_minimum=2)
    await post(bot, "bob", "quotes", 5, "q1")
    await post(bot, "bob", "quotes", 5, "q2")
    await post(bot, "carol", "quotes", 5, "q3")
    await post(bot, "dave", "referral", 50, "r1")
    await post(bot, "erin", "referral", 50, "r2")
    await post(bot, "erin", "referral", -50, "r2:revert")  # reverted: does not count
    await bot.say("hello", user="bob")  # a member with measured activity starts the run
    await bot.app.ledger.post(  # welcome points of an invitee are no invitation
        Posting(bot.person("frank"), bot.community(), 5, "referral welcome", "w1", "", "referral")
    )
    report = await bot.advance(DAY)
    assert "🖋 bob now hold(s) “Wordsmith” with 2 accepted quote(s)!" in report
    assert "🤝 dave now hold(s) “KOL” with 1 rewarded invitation(s)!" in report
    holders = await bot.app.titles.holders(bot.community())
    assert sorted((t.title, t.person) for t in holders) == [
        ("KOL", "test:dave"),
        ("Wordsmith", "test:bob"),
    ]
    # The next day nothing new is announced, the titles are renewed, not duplicated.
    assert await bot.advance(DAY) == ""
    assert len(await bot.app.titles.holders(bot.community())) == 2
    # Switched off: the rule titles lapse by themselves.
    await bot.say("/plugin off titles", user="admin")
    await bot.advance(2 * DAY)
    assert await bot.app.titles.holders(bot.community()) == []


async def test_session_hosts_rule_from_the_ledger(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await post(bot, "gina", "sessions", 20, "s1")
    await post(bot, "gina", "sessions", 20, "s2")
    await post(bot, "hank", "sessions", 20, "s3")
    await bot.say("hello", user="gina")
    report = await bot.advance(DAY)
    assert "🎙 gina now hold(s) “Host” with 2 hosted sharing session(s)!" in report
    assert [t.person for t in await bot.app.titles.holders(bot.community())] == ["test:gina"]


async def test_rule_run_happens_once_per_day(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot, signin_plugin)
    await bot.say("hello")
    assert await bot.app.scheduler.pending("titles") == []
    await bot.advance(timedelta(minutes=11))  # a quiet member is looked at again later
    for _ in range(3):
        await bot.say("/signin")
    jobs = await bot.app.scheduler.pending("titles")
    assert len(jobs) == 1
    await bot.advance(DAY)
    assert len(await bot.app.scheduler.pending("titles")) == 1


# -- the core service ----------------------------------------------------------------------------


async def test_titles_for_leaderboards(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    titles = bot.app.titles
    community = bot.community()
    await titles.grant("test:bob", community, "A")
    await titles.grant("test:bob", community, "B", until=bot.clock.now() + DAY)
    await titles.grant("test:carol", community, "C")
    found = await titles.of_many(["test:bob", "test:carol", "test:dave"], community)
    assert {p: [t.title for t in ts] for p, ts in found.items()} == {
        "test:bob": ["B", "A"],
        "test:carol": ["C"],
    }
    bot.clock.advance(DAY)
    assert await titles.active_titles("test:bob", community) == ["A"]
    assert await titles.active_titles("test:bob", "other") == []
