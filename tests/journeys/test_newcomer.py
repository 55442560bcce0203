"""Journey 1: a newcomer invited by a member.

Ines, a member, asks for her invitation. Nina joins through it: she is asked to show she is
human (muted meanwhile only where a button can answer while muted), passes, is welcomed by
name with Ines named as her inviter, is shown the rules and accepts them. She signs in for
the first time and gets her first tracking link. Ines sees the reward pending; Nina signs in
on the next two days (earning the Sign-in Star title), and once she has stayed a week Ines
is paid her referral reward, announced to the group, and her /invites says so. Only the
admin receives the community's weekly statistics, in private.

Played on platforms with and without buttons, with and without mute, in en and zh-CN."""

from __future__ import annotations

from datetime import timedelta

from shequn import SceneKind

from .conftest import RULES, Community

DAY = timedelta(days=1)


async def test_a_newcomer_invited_by_a_member(community: Community) -> None:
    bot, setting = community.bot, community.setting
    community.seen()

    # Ines asks for her invitation: a code here (the simulated platform has no links).
    await bot.say("/invite", user="ines")
    invitation = community.only_in_group("referral", "invite.code", hours=48)
    assert community.says(invitation, "referral", "invite.terms", points=50, days=7, signins=3)

    # Nina arrives through it and is asked, by name, to show she is human.
    await bot.join("nina", inviter="ines")
    prompt = community.only_in_group("welcome", "verify.button", minutes=5)
    assert "@nina" in prompt
    # Muted meanwhile only where a button can answer while muted; numbers must be typed.
    assert community.is_muted("nina") == (setting.buttons and setting.mute)

    # She passes: welcomed by name with her inviter, then shown the rules.
    await community.choose(0, user="nina")
    welcome, rules = community.in_group(community.seen())
    assert community.says(welcome, "welcome", "welcome.default", mention="@nina", count=3)
    assert community.says(welcome, "welcome", "welcome.invited_by", inviter="ines")
    assert community.says(rules, "welcome", "rules.header") and RULES in rules
    assert "@nina" in rules
    assert not community.is_muted("nina")

    await community.choose(0, user="nina")
    community.only_in_group("welcome", "rules.accepted", name="nina")

    # Her first sign-in and her first tracking link.
    await bot.say("/signin", user="nina")
    community.only_in_group("signin", "signin.done", name="nina", streak=1, points=10, balance=10)
    await bot.say("/share https://example.org/post", user="nina")
    link = community.only_in_group("sharelinks", "share.link", name="nina")
    assert "http://127.0.0.1:8080/s/" in link

    # Ines sees her invitation recorded, its reward still pending.
    await bot.say("/invites", user="ines")
    invites = community.only_in_group("referral", "invites.header", count=1)
    assert "nina" in invites
    assert community.says(invites, "referral", "invites.status.pending")
    assert community.says(invites, "referral", "invites.earned", points=0, pending=1)

    # Nina signs in on the next two days; the third day of her streak earns her a title.
    for streak, points, balance in ((2, 10, 20), (3, 15, 35)):
        assert await bot.advance(DAY) == ""
        await bot.say("/signin", user="nina")
        community.only_in_group(
            "signin", "signin.done", name="nina", streak=streak, points=points, balance=balance
        )
    await bot.advance(DAY)
    community.only_in_group("titles", "rule.streak.awarded", names="nina", score=3)
    assert await bot.balance("ines") == 0

    # A week after she joined, Ines is paid, in front of the group; only the admin gets
    # the weekly statistics, in private.
    await bot.advance(5 * DAY)
    step = community.seen()
    private = [s for s in step if s.scene.kind is SceneKind.PRIVATE]
    assert private and {s.scene.id for s in private} == {"private:admin"}
    assert any(community.says(s.text, "stats", "report.title") for s in private)
    group = community.in_group([s for s in step if s.scene.kind is SceneKind.GROUP])
    assert len(group) == 1, group
    assert community.says(group[0], "referral", "reward.paid", inviter="ines", points=50)
    assert "nina" in group[0]
    assert await bot.balance("ines") == 50
    assert await bot.balance("nina") == 35

    await bot.say("/invites", user="ines")
    invites = community.only_in_group("referral", "invites.header", count=1)
    assert community.says(invites, "referral", "invites.status.paid")
    assert community.says(invites, "referral", "invites.earned", points=50, pending=0)
