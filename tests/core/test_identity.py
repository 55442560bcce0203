"""Linking accounts into one person and groups into one community."""

from __future__ import annotations

from shequn import Posting
from shequn.testing import Harness


async def test_link_moves_points_and_unifies_person(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot()
    ledger = bot.app.ledger
    community = bot.community()
    await ledger.post(Posting("test:alice", community, 10, "t", "a"))
    await ledger.post(Posting("test:alt", community, 4, "t", "b"))
    reply = await bot.say("/link", group=None)
    code = reply.split()[4] if "code is" in reply else ""
    assert len(code) == 6, reply
    assert "unknown or expired" in await bot.say("/link ZZZZZZ", user="alt", group=None)
    assert "confirm" in await bot.say(f"/link {code.lower()}", user="alt", group=None)
    assert bot.person("alt") == "test:alt"  # nothing joined before the issuer confirms
    assert "Linked" in await bot.say("/link confirm", group=None)
    assert bot.person("alt") == bot.person("alice") == "test:alice"
    assert await ledger.balance("test:alice", community) == 14
    assert await ledger.balance("test:alt", community) == 0
    assert "unknown or expired" in await bot.say(f"/link {code}", user="other", group=None)


async def test_link_code_expires(make_bot) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    bot: Harness = await make_bot()
    code = (await bot.say("/link", group=None)).split()[4]
    await bot.advance(timedelta(minutes=11))
    assert "expired" in await bot.say(f"/link {code}", user="alt", group=None)


async def test_links_survive_restart(make_bot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "id.db"
    bot: Harness = await make_bot(database=db)
    code = (await bot.say("/link", group=None)).split()[4]
    await bot.say(f"/link {code}", user="alt", group=None)
    await bot.say("/link confirm", group=None)
    await bot.close()
    again: Harness = await make_bot(database=db)
    assert again.person("alt") == "test:alice"


async def test_communities(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(superusers=["test:root"])
    ledger = bot.app.ledger
    await ledger.post(Posting("test:alice", "test:group", 6, "t", "x"))
    assert "superuser" in await bot.say("/community create club")
    assert "created" in await bot.say("/community create club", user="root")
    assert "exists already" in await bot.say("/community create club", user="root")
    assert "No community" in await bot.say("/community add nosuch", user="root")
    assert "joined" in await bot.say("/community add club", user="root")
    assert "joined" in await bot.say("/community add club test:second", user="root")
    assert bot.community() == bot.community("second") == "community:club"
    assert await ledger.balance("test:alice", "community:club") == 6
    listing = await bot.say("/community list", user="root")
    assert "club: test:group, test:second" in listing
    assert "on its own" in await bot.say("/community remove test:second", user="root")
    assert bot.community("second") == "test:second"
