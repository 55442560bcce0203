"""Referral: invitations, rewards once the invitee stays and signs in, reverts, and reach."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, func, select

from plugins.referral import plugin as referral_plugin
from plugins.referral.kol import reach
from plugins.referral.models import Reward
from plugins.signin import plugin as signin_plugin
from shequn import MemberJoined, Scene, User
from shequn.internal.simulation import SimulatedPlatform
from shequn.invites import Invitee
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
_reward = Reward.__table__  # type: ignore[attr-defined]


async def new_bot(make_bot: MakeBot, **options: object) -> Harness:
    options.setdefault("start", START)
    bot = await make_bot(referral_plugin, signin_plugin, **options)
    bot.make_admin("admin")
    for key, value in (("min_days", "3"), ("min_signins", "2"), ("revert_days", "10")):
        answer = await bot.say(f"/config referral {key} {value}", user="admin")
        assert "is now" in answer, answer
    return bot


async def reward_ledger_rows(bot: Harness, user: str = "alice") -> list[int]:
    history = await bot.app.ledger.history(bot.person(user), bot.community(), 1000)
    return [row.amount for row in history if row.plugin == "referral"]


async def test_reward_is_paid_once_after_the_stay_and_the_signins(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("alice")
    await bot.join("bob", inviter="alice")
    await bot.say("/signin", user="bob")
    assert await bot.advance(DAY) == ""
    await bot.say("/signin", user="bob")
    assert await bot.advance(DAY) == ""
    assert await bot.balance("alice") == 0  # two days: not yet
    assert await bot.advance(DAY) == "🎉 alice earned 50 points for inviting bob."
    for _ in range(5):
        assert await bot.advance(DAY) == ""
    assert await bot.balance("alice") == 50
    assert await reward_ledger_rows(bot) == [50]


async def test_reward_waits_for_the_signins_then_expires(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.say("/config referral check_days 5", user="admin")
    await bot.join("alice")
    await bot.join("bob", inviter="alice")
    await bot.join("carol", inviter="alice")
    await bot.say("/signin", user="bob")
    await bot.say("/signin", user="carol")
    await bot.advance(3 * DAY)
    await bot.say("/signin", user="bob")
    assert await bot.advance(DAY) == "🎉 alice earned 50 points for inviting bob."
    assert await bot.advance(5 * DAY) == ""
    assert await bot.balance("alice") == 50
    invites = await bot.say("/invites", user="alice")
    assert "  bob: here, reward paid" in invites
    assert "  carol: here, no reward (conditions not met in time)" in invites
    assert "Earned: 50 points; 0 reward(s) pending." in invites


async def test_no_reward_for_a_self_invite(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("bob", inviter="bob")
    await bot.say("/signin", user="bob")
    await bot.advance(DAY)
    await bot.say("/signin", user="bob")
    await bot.advance(5 * DAY)
    assert await reward_ledger_rows(bot, "bob") == []
    code = (await bot.say("/invite", user="bob")).split("code: ")[1].split(".")[0]
    assert await bot.say(f"/joined {code}", user="bob") == (
        "That is your own code: inviting yourself earns nothing."
    )
    node = await bot.app.invites.get(bot.community(), bot.person("bob"))
    assert node is not None and node.inviter is None


async def test_leaving_early_voids_or_reverts_the_reward(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("alice")
    await bot.join("bob", inviter="alice")
    await bot.join("carol", inviter="alice")
    for _ in range(2):
        await bot.say("/signin", user="bob")
        await bot.say("/signin", user="carol")
        await bot.advance(DAY)
    assert await bot.leave("carol") == ""  # pending: void, nothing paid
    assert await bot.advance(DAY) == "🎉 alice earned 50 points for inviting bob."
    assert await bot.leave("bob") == (
        "bob left soon after joining: 50 referral points were taken back from alice."
    )
    assert await bot.balance("alice") == 0
    assert await reward_ledger_rows(bot) == [-50, 50]
    assert await bot.leave("bob") == ""  # a redelivered leave takes nothing more
    assert await reward_ledger_rows(bot) == [-50, 50]


async def test_rejoining_members_bring_no_reward(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("alice")
    await bot.join("bob", inviter="alice")
    await bot.leave("bob")
    await bot.join("bob", inviter="alice")
    for _ in range(2):
        await bot.say("/signin", user="bob")
        await bot.advance(DAY)
    await bot.advance(5 * DAY)
    assert await reward_ledger_rows(bot) == []
    node = await bot.app.invites.get(bot.community(), bot.person("bob"))
    assert node is not None and node.rejoins == 1


async def test_redelivered_joins_never_pay_twice(make_bot: MakeBot, tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    first = await new_bot(make_bot, database=database)
    second = await new_bot(make_bot, database=database)
    await first.say("/config referral welcome_points 5", user="admin")
    await second.app.group_settings.load()
    await first.join("alice")
    event = first.platform.join_event("bob", "group", "alice")
    await asyncio.gather(first.deliver(event), second.deliver(event), second.deliver(event))
    await first.deliver(event)

    def rewards(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(_reward)).scalar_one())

    assert await first.app.db.read(rewards) == 1
    assert await first.balance("bob") == 5
    for _ in range(2):
        await first.say("/signin", user="bob")
        await first.advance(DAY)
        second.clock.advance(DAY)
    second.clock.advance(2 * DAY)
    first.clock.advance(2 * DAY)
    await asyncio.gather(first.app.scheduler.run_due(), second.app.scheduler.run_due())
    assert await reward_ledger_rows(first) == [50]
    node = await first.app.invites.get(first.community(), first.person("bob"))
    assert node is not None and node.rejoins == 0


async def test_code_attribution_and_its_limits(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bot.join("carol")
    answer = await bot.say("/invite", user="carol")
    assert answer.startswith("🎟 Your invite code: ")
    assert "You earn 50 points when your invitee stays 3 days and signs in 2 times." in answer
    code = answer.split("code: ")[1].split(".")[0]
    assert await bot.say("/invite", user="carol") == answer  # the same code every time
    assert (
        await bot.say("/joined NOPE", user="dave") == "“NOPE” is not an invite code of this group."
    )
    assert await bot.say(f"/joined {code}", user="dave") == "Only newcomers can name an inviter."
    await bot.join("erin")
    assert await bot.say(f"/joined {code.lower()}", user="erin") == (
        "Thanks! carol is recorded as your inviter."
    )
    assert await bot.say(f"/joined {code}", user="erin") == "Your inviter is already recorded."
    await bot.join("fred")
    await bot.advance(3 * DAY)
    assert await bot.say(f"/joined {code}", user="fred") == (
        "An inviter can only be named within 48 h of joining."
    )
    node = await bot.app.invites.get(bot.community(), bot.person("erin"))
    assert node is not None and (node.inviter, node.via) == ("test:carol", "code")


class LinkPlatform(SimulatedPlatform):
    """A simulated platform with per-member invite links (as Telegram and Discord have)."""

    capabilities = replace(SimulatedPlatform.capabilities, invite_links=True)

    async def create_invite(self, scene: Scene, user: User, name: str) -> str:
        return f"https://chat.example/+{name}"


async def test_invite_links_where_the_platform_has_them(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    platform = LinkPlatform(bot.app, "test")
    platform.groups = bot.platform.groups
    bot.app.add_adapter(platform)
    bot.platform = platform
    answer = await bot.say("/invite", user="alice")
    assert answer.startswith("🔗 Your personal invitation: https://chat.example/+ref-")
    name = answer.split("+")[1].split("\n")[0]
    event = MemberJoined(
        id="link-join-1",
        platform="test",
        scene=platform.group("group").scene,
        user=platform.user("gina"),
        time=bot.clock.now(),
        invited_via=f"invite_link:{name}",
    )
    await bot.deliver(event)
    node = await bot.app.invites.get(bot.community(), bot.person("gina"))
    assert node is not None and node.inviter == "test:alice"
    assert node.via == f"invite_link:{name}"


async def test_invites_and_kol_show_reach(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    assert await bot.say("/kol") == "No invitations recorded yet."
    assert await bot.say("/invites", user="alice") == (
        "You have not invited anyone here yet. Start with /invite"
    )
    await bot.join("alice")
    await bot.join("bob", inviter="alice")
    await bot.join("carol", inviter="alice")
    await bot.join("dave", inviter="bob")
    await bot.join("erin", inviter="dave")
    await bot.leave("carol")
    for _ in range(10):
        await bot.say("/signin", user="dave")
        await bot.advance(DAY)
    kol = await bot.say("/kol")
    # bob: dave (10 sign-ins: fully active, 1.0) + erin (idle: 0.5) x 0.5 = 1.25.
    # alice: bob (one credit, his reward for dave: 0.55) + carol (gone: 0), dave x 0.5,
    # erin x 0.25 = 0.55 + 0.5 + 0.125 = 1.175.
    assert kol.splitlines() == [
        "Top 3 by reach (score · members per level):",
        "1. bob: 1.25 · 1 / 1",
        "2. alice: 1.18 · 2 / 1 / 1",
        "3. dave: 0.5 · 1",
    ], kol
    invites = await bot.say("/invites", user="alice")
    assert "You invited 2 member(s):" in invites
    assert "  carol: left, no reward (left early)" in invites
    assert "Reach by level: 2 / 1 / 1" in invites


def test_reach_formula() -> None:
    def node(person: str, inviter: str | None, left: bool = False) -> Invitee:
        return Invitee(person, inviter, "", "g", 0.0, 0.0, 1.0 if left else None, 0)

    nodes = [node("a", None), node("b", "a"), node("c", "a", left=True), node("d", "b")]
    ranked = reach(nodes, {"b": 10, "d": 0}, [1.0, 0.5], 10)
    assert [(r.person, r.score, r.per_level) for r in ranked] == [
        ("a", 1.25, (2, 1)),
        ("b", 0.5, (1,)),
    ]
