"""Journey 2: a regular member's month.

Mia signs in day after day with Leo and Zoe, misses a day and makes it up (paying for it,
her streak restored), which earns her the Sign-in Star title; her streak bonuses follow. She
plays a quiz round against Leo and wins its prize, enters a lottery with Leo and the clock
draws it, grabs a share of Zoe's red envelope, votes in Leo's poll (closed by the clock two
days later), and redeems an item of the points shop with what she earned. Every step is
announced to the group; the community's statistics go to the admin only, in private.

Played on platforms with and without buttons, with and without mute, in en and zh-CN."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Community

DAY = timedelta(days=1)
BANK = """\
- type: choice
  question: Which one is a fruit?
  options: [Carrot, Apple, Potato]
  answer: B
  category: journey
"""


async def sign_in(community: Community, user: str, streak: int, points: int, balance: int) -> str:
    await community.bot.say("/signin", user=user)
    return community.only_in_group(
        "signin", "signin.done", name=user, streak=streak, points=points, balance=balance
    )


async def test_a_regular_members_month(community: Community) -> None:
    bot = community.bot
    community.seen()

    # Days 1 and 2: Mia, Leo and Zoe sign in; day 3 Mia forgets.
    for user in ("mia", "leo", "zoe"):
        await sign_in(community, user, streak=1, points=10, balance=10)
    await bot.advance(DAY)
    assert community.public() == []
    await sign_in(community, "mia", streak=2, points=10, balance=20)
    await sign_in(community, "zoe", streak=2, points=10, balance=20)
    await bot.advance(2 * DAY)
    assert community.public() == []

    # Day 4: her streak starts over, until she makes up day 3 and has it back.
    await sign_in(community, "mia", streak=1, points=10, balance=30)
    await bot.say("/signin makeup", user="mia")
    community.only_in_group(
        "signin", "makeup.done", day="2025-03-12", cost=20, streak=4, balance=10
    )
    await bot.say("/signin calendar", user="mia")
    calendar = community.only_in_group("signin", "calendar.summary", count=4, streak=4)
    assert "(12)" in calendar and "[13]" in calendar

    # The clock hands out the streak title, for everyone to see; /titles lists it.
    await bot.advance(DAY)
    (awarded,) = community.public()
    assert community.says(awarded, "titles", "rule.streak.awarded", names="mia", score=4)
    await bot.say("/titles", user="leo")
    titles = community.only_in_group("titles", "titles.header")
    assert community.says(titles, "titles", "titles.line", names="mia")

    # Days 5 to 7: her streak bonuses.
    await sign_in(community, "mia", streak=5, points=10, balance=20)
    for streak, points, balance in ((6, 15, 35), (7, 30, 65)):
        await bot.advance(DAY)
        assert community.public() == []
        await sign_in(community, "mia", streak=streak, points=points, balance=balance)

    # A quiz round: Leo answers wrong, Mia right; two players, so she wins the prize.
    await bot.say("/quiz import yaml\n" + BANK, user="admin")
    community.only_in_group("quiz", "import.done", added=1, known=0, errors=0)
    await bot.say("/quiz start journey 1", user="admin")
    started, question = community.in_group(community.seen())
    assert community.says(started, "quiz", "round.started", count=1, seconds=30, points=5)
    assert "Which one is a fruit?" in question
    await community.choose(0, user="leo")
    community.only_in_group("quiz", "answer.wrong", name="leo")
    await community.choose(1, user="mia")
    correct, finished = community.in_group(community.seen())
    assert community.says(correct, "quiz", "answer.correct", name="mia", points=5)
    assert community.says(finished, "quiz", "round.finished")
    assert community.says(finished, "quiz", "round.prize", prize=30)
    assert await bot.balance("mia") == 100
    assert await bot.advance(timedelta(seconds=40)) == ""
    community.seen()

    # A lottery: Mia and Leo enter, the clock draws it two hours later.
    await bot.say("/lottery create Coffee mug winners=1 end=2h", user="admin")
    created = community.only_in_group("lottery", "about.header", id=1, prize="Coffee mug")
    await community.choose(0, user="mia")
    community.only_in_group("lottery", "enter.done", name="mia", id=1, count=1)
    await bot.say("/lottery join", user="leo")
    community.only_in_group("lottery", "enter.done", name="leo", id=1, count=2)
    await bot.advance(timedelta(hours=1))
    assert community.public() == []
    await bot.advance(timedelta(hours=1, minutes=1))
    (drawn,) = community.public()
    assert community.says(drawn, "lottery", "drawn.header", id=1, prize="Coffee mug")
    winners = {name for name in ("mia", "leo") if f"@{name}" in drawn}
    assert len(winners) == 1, drawn
    assert "SHA-256" in created and "SHA-256" in drawn

    # Zoe's red envelope: Mia and Leo grab its two shares.
    await bot.say("/hongbao 20 2 happy month", user="zoe")
    community.only_in_group("redenvelope", "send.done", name="zoe", id=1, total=20, shares=2)
    await community.choose(0, user="mia")
    grabbed = community.only_in_group("redenvelope", "grab.done", name="mia", id=1, taken=1)
    await bot.say("/grab", user="leo")
    leo, finished = community.in_group(community.seen())
    assert community.says(leo, "redenvelope", "grab.done", name="leo", id=1, taken=2)
    assert community.says(finished, "redenvelope", "grab.finished", id=1, shares=2)
    assert await bot.balance("zoe") == 0
    share = await bot.balance("mia") - 100
    assert 1 <= share <= 19 and f" {share} " in grabbed
    assert await bot.balance("leo") == 10 + 20 - share

    # Leo's poll: Mia and Zoe vote; the clock closes it two days later with the results.
    await bot.say('/poll "Next meetup?" Friday Saturday', user="leo")
    community.only_in_group("polls", "poll.header", id=1, creator="leo", question="Next meetup?")
    await community.choose(1, user="mia")
    community.only_in_group("polls", "vote.done", name="mia", options="Saturday")
    await bot.say("/poll vote 1 2", user="zoe")
    community.only_in_group("polls", "vote.done", name="zoe", options="Saturday")

    # The shop: Mia redeems a sticker with her points; the order waits for an admin.
    await bot.say("/shop add Sticker 20 5", user="admin")
    community.seen()
    await bot.say("/redeem 1", user="mia")
    balance = 100 + share - 20
    redeemed = community.only_in_group(
        "shop", "redeem.done", name="mia", item="Sticker", cost=20, id=1
    )
    assert community.says(redeemed, "shop", "redeem.balance", balance=balance)
    assert await bot.balance("mia") == balance
    await bot.say("/shop mine", user="mia")
    mine = community.only_in_group("shop", "mine.header")
    assert community.says(mine, "shop", "order.line_mine", id=1, item="Sticker")

    await bot.advance(2 * DAY)
    (closed,) = community.public()
    assert community.says(closed, "polls", "results.header", id=1, question="Next meetup?")
    assert community.says(closed, "polls", "results.total", count=2)
