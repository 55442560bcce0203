"""Lockdown tells the groups of the core registry: after a restart, the lift reaches every
group of the community, those seen before the restart and those seen since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plugins.lockdown import plugin as lockdown_plugin
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


async def test_the_lift_after_a_restart_tells_every_group_of_the_community(
    make_bot: MakeBot,
) -> None:
    first = await make_bot(
        lockdown_plugin, database="shared", superusers=["test:root"], start=START
    )
    await first.say("/community create Readers", user="root", group="g1")
    for group in ("g1", "g2"):
        await first.say("/community add Readers", user="root", group=group)
    first.make_admin("admin", group="g1")
    before = len(first.sent)
    await first.say("/lockdown 30", user="admin", group="g1")
    assert sorted(s.scene.id for s in first.sent[before:]) == ["g1", "g2"]
    await first.close()

    # Restarted: g1 and g2 say nothing more; g3 joins the community and is seen now.
    later = START + timedelta(minutes=10)
    second = await make_bot(
        lockdown_plugin, database="shared", superusers=["test:root"], start=later
    )
    await second.say("/community add Readers", user="root", group="g3")
    before = len(second.sent)
    await second.advance(timedelta(minutes=25))
    lifted = [s for s in second.sent[before:] if "lockdown is over" in s.text]
    assert sorted(s.scene.id for s in lifted) == ["g1", "g2", "g3"]
    assert await second.advance(timedelta(hours=1)) == ""
