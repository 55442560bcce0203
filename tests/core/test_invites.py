"""The core's invite tree: recorded from joins and leaves, queried level by level."""

from __future__ import annotations

from shequn import MemberJoined
from shequn.invites import JoinOutcome
from shequn.testing.pytest_plugin import MakeBot


async def test_tree_queries_and_guards(make_bot: MakeBot) -> None:
    bot = await make_bot()
    for user, inviter in (("a", None), ("b", "a"), ("c", "a"), ("d", "b"), ("e", "d")):
        await bot.join(user, inviter=inviter)
    invites, community = bot.app.invites, bot.community()
    children = await invites.children(community, "test:a")
    assert [n.person for n in children] == ["test:b", "test:c"]
    levels = await invites.descendants(community, "test:a")
    assert [[n.person for n in level] for level in levels] == [
        ["test:b", "test:c"],
        ["test:d"],
        ["test:e"],
    ]
    assert len(await invites.descendants(community, "test:a", 2)) == 2
    assert await invites.ancestors(community, "test:e") == ["test:d", "test:b", "test:a"]
    # a cycle is refused: a was not invited by e, who came through a
    assert not await invites.attribute(community, "test:a", "test:e", "code", 0.0)
    await bot.leave("a")
    await bot.join("a", inviter="e")
    node = await invites.get(community, "test:a")
    assert node is not None and node.inviter is None and node.rejoins == 1


async def test_joins_are_recorded_once_and_self_invites_have_no_inviter(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot()
    event = bot.platform.join_event("x", "group", "x")
    assert isinstance(event, MemberJoined)
    await bot.deliver(event)
    community = bot.community()
    again = await bot.app.invites.record_join(
        community, "test:x", None, "", "test:group", event.dedup_key
    )
    assert again is JoinOutcome.DUPLICATE
    node = await bot.app.invites.get(community, "test:x")
    assert node is not None and node.inviter is None and node.via == ""
    assert await bot.app.invites.record_leave(community, "test:x")
    assert not await bot.app.invites.record_leave(community, "test:x")
