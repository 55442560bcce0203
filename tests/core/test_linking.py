"""Linking accounts needs both of them, and permission never travels through a link."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import Connection, inspect, select, text

from shequn import Posting
from shequn.audit import AuditRecord
from shequn.internal.dashboard import auth
from shequn.internal.event import Scene
from shequn.internal.message import Message
from shequn.internal.simulation import Sent, SimulatedPlatform
from shequn.internal.storage.database import Database
from shequn.testing import Harness
from shequn.testing.databases import TestDatabases
from shequn.testing.pytest_plugin import MakeBot
from tests.dashboard.helpers import client, dashboard_bot, log_in
from tests.dashboard.test_group_registry import migrate_to

_audit = AuditRecord.__table__  # type: ignore[attr-defined]
CODE = re.compile(r"link code is ([A-Z0-9]{6})")
CONFIRM = "core:link:confirm:"


class NoPrivateChats(SimulatedPlatform):
    """A platform where the bot may not open a private chat (Telegram before /start)."""

    async def send(self, scene: Scene, message: Message) -> str:
        if scene.is_private:
            raise RuntimeError("Forbidden: bot can't initiate conversation with a user")
        return await super().send(scene, message)


def private_to(sent: list[Sent], user: str) -> list[str]:
    return [s.text for s in sent if s.scene.is_private and s.scene.id == f"private:{user}"]


async def issue(bot: Harness, user: str = "alice") -> str:
    """``user`` asks for a code in private; the code shown there."""
    found = CODE.search(await bot.say("/link", user=user, group=None))
    assert found is not None
    return found.group(1)


async def audit_rows(bot: Harness) -> list[tuple[str, str, str, str]]:
    def read(conn: Connection) -> list[tuple[str, str, str, str]]:
        rows = conn.execute(select(_audit).order_by(_audit.c.id))
        return [(r.actor, r.action, r.target, r.reason) for r in rows]

    return await bot.app.db.read(read)


# -- where the code is shown -------------------------------------------------------------


async def test_link_in_a_group_shows_the_code_only_in_private(make_bot: MakeBot) -> None:
    bot = await make_bot()
    before = len(bot.sent)
    await bot.say("/link")
    sent = bot.sent[before:]
    in_group = [s.text for s in sent if s.scene.id == "group"]
    private = private_to(sent, "alice")
    assert len(in_group) == 1 and "private" in in_group[0]
    assert len(private) == 1
    code = CODE.search(private[0])
    assert code is not None
    assert code.group(1) not in in_group[0]
    # The privately shown code works.
    assert "confirm" in await bot.say(f"/link {code.group(1)}", user="alt", group=None)


async def test_the_code_comes_in_the_language_of_the_group_that_asked(make_bot: MakeBot) -> None:
    """A member who types ``/绑定`` in a Chinese group reads the private code in Chinese
    (a private chat that never chose a language would otherwise speak the default)."""
    bot = await make_bot()
    bot.make_admin("admin")
    await bot.say("/config core locale zh-CN", user="admin")
    before = len(bot.sent)
    await bot.say("/绑定")
    sent = bot.sent[before:]
    (private,) = private_to(sent, "alice")
    assert "您的绑定码是" in private
    assert [s.text for s in sent if s.scene.id == "group"] == [
        "alice，绑定码已私聊发送给你（绑定码从不在群里显示）。"
    ]


async def test_link_where_the_bot_cannot_write_privately_says_how(make_bot: MakeBot) -> None:
    bot = await make_bot()
    closed = NoPrivateChats(bot.app, "closed")
    bot.app.add_adapter(closed)
    await bot.deliver(closed.message_event("alice", "/link", "room"))
    assert [s.scene.id for s in closed.sent] == ["room"]
    assert "open a private chat with me and send /link there" in closed.sent[0].text
    assert not re.search(r"[A-Z0-9]{6}", closed.sent[0].text.replace("/link", ""))


# -- both sides --------------------------------------------------------------------------


async def test_redeeming_asks_the_issuer_who_confirms_with_the_button(make_bot: MakeBot) -> None:
    bot = await make_bot()
    community = bot.community()
    await bot.app.ledger.post(Posting("test:alice", community, 10, "t", "a"))
    await bot.app.ledger.post(Posting("test:alt", community, 4, "t", "b"))
    code = await issue(bot)
    before = len(bot.sent)
    answer = await bot.say(f"/link {code}", user="alt", group="elsewhere")
    assert "confirm" in answer and "test:alice" in answer
    asked = private_to(bot.sent[before:], "alice")
    assert len(asked) == 1 and "test:alt" in asked[0]
    assert "1. Confirm" in asked[0] and "2. Refuse" in asked[0]  # buttons, as numbers here
    assert bot.person("alt") == "test:alt"
    assert await bot.app.ledger.balance("test:alt", community) == 4
    assert await audit_rows(bot) == []

    before = len(bot.sent)
    assert "Linked" in await bot.say("1", group=None)
    assert any("Linked" in text for text in private_to(bot.sent[before:], "alt"))
    assert bot.person("alt") == bot.person("alice") == "test:alice"
    assert await bot.app.ledger.balance("test:alice", community) == 14
    assert await audit_rows(bot) == [("test:alice", "link", "test:alt", "test:alice")]


async def test_the_issuer_confirms_with_a_command_in_either_language(make_bot: MakeBot) -> None:
    bot = await make_bot()
    await bot.say(f"/link {await issue(bot)}", user="alt", group=None)
    assert "Linked" in await bot.say("/link confirm", group=None)
    await bot.say(f"/link {await issue(bot)}", user="third", group=None)
    assert "Linked" in await bot.say("/确认绑定", group=None)
    assert bot.person("third") == bot.person("alt") == "test:alice"


async def test_only_the_issuing_account_can_confirm(make_bot: MakeBot) -> None:
    bot = await make_bot()
    code = await issue(bot)
    await bot.say(f"/link {code}", user="mallory")  # read over a shoulder, redeemed
    assert "No link is waiting" in await bot.say("/link confirm", user="mallory", group=None)
    assert "No link is waiting" in await bot.press(CONFIRM + code, user="mallory", group=None)
    assert "unknown or expired" in await bot.say(f"/link {code}", user="alt", group=None)
    assert bot.person("mallory") == "test:mallory"
    assert "refused" in await bot.say("/link refuse", group=None)
    assert any("refused" in t for t in private_to(bot.sent, "mallory"))
    assert "No link is waiting" in await bot.say("/link confirm", group=None)
    assert bot.person("mallory") == "test:mallory"


async def test_two_accounts_redeeming_one_code_at_once_claim_it_once(make_bot: MakeBot) -> None:
    bot = await make_bot()
    code = await issue(bot)
    before = len(bot.sent)
    claims = [bot.message(f"/link {code}", user=name, group=None) for name in ("alt", "eve")]
    await asyncio.gather(*(bot.deliver(claim) for claim in claims))
    asked = private_to(bot.sent[before:], "alice")
    assert len(asked) == 1
    refused = private_to(bot.sent[before:], "eve") + private_to(bot.sent[before:], "alt")
    assert sum("unknown or expired" in text for text in refused) == 1
    claimant = "alt" if "test:alt" in asked[0] else "eve"
    assert "Linked" in await bot.press(CONFIRM + code, group=None)
    assert bot.person(claimant) == "test:alice"
    assert bot.person("eve" if claimant == "alt" else "alt") != "test:alice"


async def test_the_issuer_refuses_with_the_button(make_bot: MakeBot) -> None:
    bot = await make_bot()
    code = await issue(bot)
    await bot.say(f"/link {code}", user="alt", group=None)
    assert "refused" in await bot.say("2", group=None)
    assert any("test:alice refused" in t for t in private_to(bot.sent, "alt"))
    assert "unknown or expired" in await bot.say(f"/link {code}", user="alt", group=None)
    assert "No link is waiting" in await bot.press(CONFIRM + code, group=None)
    assert bot.person("alt") == "test:alt"


async def test_the_claimant_withdraws(make_bot: MakeBot) -> None:
    bot = await make_bot()
    code = await issue(bot)
    await bot.say(f"/link {code}", user="alt", group=None)
    assert "refused" in await bot.say("/link cancel", user="alt", group=None)
    assert any("test:alt refused" in t for t in private_to(bot.sent, "alice"))
    assert "No link is waiting" in await bot.press(CONFIRM + code, group=None)
    assert bot.person("alt") == "test:alt"
    assert await audit_rows(bot) == []


async def test_an_expired_request_cannot_be_confirmed(make_bot: MakeBot) -> None:
    bot = await make_bot()
    code = await issue(bot)
    await bot.advance(timedelta(minutes=9))
    await bot.say(f"/link {code}", user="alt", group=None)
    await bot.advance(timedelta(minutes=2))
    assert "expired" in await bot.say("1", group=None)
    assert "No link is waiting" in await bot.say("/link confirm", group=None)
    assert bot.person("alt") == "test:alt"


async def test_a_double_confirmation_links_once(make_bot: MakeBot) -> None:
    bot = await make_bot()
    community = bot.community()
    await bot.app.ledger.post(Posting("test:alt", community, 5, "t", "x"))
    code = await issue(bot)
    await bot.say(f"/link {code}", user="alt", group=None)
    press = bot.platform.press_event("alice", None, CONFIRM + code)
    again = bot.platform.press_event("alice", None, CONFIRM + code)  # a double click
    before = len(bot.sent)
    await asyncio.gather(bot.deliver(press), bot.deliver(press), bot.deliver(again))
    answers = private_to(bot.sent[before:], "alice")
    assert sum("Linked" in text for text in answers) == 1
    assert sum("No link is waiting" in text for text in answers) == 1  # the redelivery: none
    assert await bot.app.ledger.balance("test:alice", community) == 5
    assert await bot.app.ledger.balance("test:alt", community) == 0
    assert len(await audit_rows(bot)) == 1


# -- undoing a link ----------------------------------------------------------------------


async def test_unlink_leaves_the_points_with_the_person(make_bot: MakeBot) -> None:
    bot = await make_bot()
    community = bot.community()
    await bot.app.ledger.post(Posting("test:alt", community, 7, "t", "x"))
    assert "not linked" in await bot.say("/unlink", user="alt")
    await bot.say(f"/link {await issue(bot)}", user="alt", group=None)
    await bot.say("/link confirm", group=None)
    answer = await bot.say("/解绑", user="alt")
    assert "test:alt" in answer and "no points" in answer
    assert bot.person("alt") == "test:alt"
    assert await bot.balance("alt") == 0
    assert await bot.balance("alice") == 7
    assert "not linked" in await bot.say("/unlink", user="alt")
    rows = await audit_rows(bot)
    assert rows[-1] == ("test:alt", "unlink", "test:alt", "test:alice")
    assert [r[1] for r in rows] == ["link", "unlink"]


async def test_the_first_account_unlinking_releases_the_others(make_bot: MakeBot) -> None:
    bot = await make_bot()
    await bot.say(f"/link {await issue(bot)}", user="alt", group=None)
    await bot.say("/link confirm", group=None)
    assert "test:alt" in await bot.say("/unlink")
    assert bot.person("alt") == "test:alt" and bot.person("alice") == "test:alice"
    assert ("test:alice", "unlink", "test:alt", "test:alice") in await audit_rows(bot)
    # Linked again, then undone again: a second, separate audit entry.
    await bot.say(f"/link {await issue(bot)}", user="alt", group=None)
    await bot.say("/link confirm", group=None)
    await bot.say("/unlink", user="alt")
    assert [r[1] for r in await audit_rows(bot)] == ["link", "unlink", "link", "unlink"]


async def test_unlink_holds_after_a_restart(make_bot: MakeBot) -> None:
    bot = await make_bot(database="links.db")
    await bot.say(f"/link {await issue(bot)}", user="alt", group=None)
    await bot.say("/link confirm", group=None)
    await bot.say("/unlink", user="alt")
    await bot.close()
    again = await make_bot(database="links.db")
    assert again.person("alt") == "test:alt"


# -- permission comes from the account that acts -----------------------------------------


async def test_a_superusers_linked_account_is_no_superuser(make_bot: MakeBot) -> None:
    bot = await make_bot(superusers=["test:root"])
    await bot.say(f"/link {await issue(bot, 'root')}", user="alt", group=None)
    await bot.say("/link confirm", user="root", group=None)
    assert bot.person("alt") == "test:root"
    assert "superuser" in await bot.say("/community create club", user="alt")
    assert "created" in await bot.say("/community create club", user="root")
    # Points are still shared.
    await bot.app.ledger.post(Posting("test:root", bot.community(), 3, "t", "p"))
    assert await bot.balance("alt") == 3


async def test_an_admins_linked_account_is_no_admin_on_the_dashboard(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot)
    other = SimulatedPlatform(bot.app, "other")
    bot.app.add_adapter(other)
    bot.make_admin("dora", group="mine")
    await bot.say("hi", user="dora", group="mine")
    other.group("theirs").admins.add("dora2")
    await bot.deliver(other.message_event("dora2", "hi", "theirs"))
    code = await issue(bot, "dora")
    await bot.deliver(other.message_event("dora2", f"/link {code}", None))
    await bot.say("/link confirm", user="dora", group=None)
    assert bot.app.identity.person_of("other:dora2") == "test:dora"
    # In chat: no admin command for the linked account where it is not an admin itself.
    other.group("mine")
    await bot.deliver(other.message_event("dora2", "/plugin off dashboard", "mine"))
    assert "admin" in other.sent[-1].text and other.sent[-1].scene.id == "mine"
    code = await auth.issue_code(bot.app.db, "other:dora2", bot.clock.now().timestamp())
    async with client(bot) as http:
        assert (await log_in(http, code=code)).status_code == 303
        overview = await http.get("/admin/")
        assert "other:theirs" in overview.text and "test:mine" not in overview.text
        assert (await http.get("/admin/g/test%3Amine")).status_code == 403


async def test_a_superusers_linked_account_gets_no_superuser_session(make_bot: MakeBot) -> None:
    bot = await dashboard_bot(make_bot, superusers=["test:root"])
    bot.make_admin("root2", group="mine")
    await bot.say("hi", user="root2", group="mine")
    await bot.say("hi", user="carol", group="elsewhere")
    await bot.say(f"/link {await issue(bot, 'root')}", user="root2", group=None)
    await bot.say("/link confirm", user="root", group=None)
    now = bot.clock.now().timestamp()
    async with client(bot) as http:
        await log_in(http, code=await auth.issue_code(bot.app.db, "test:root2", now))
        overview = await http.get("/admin/")
        assert "test:mine" in overview.text and "test:elsewhere" not in overview.text
    async with client(bot) as http:
        await log_in(http, code=await auth.issue_code(bot.app.db, "test:root", now))
        assert "test:elsewhere" in (await http.get("/admin/")).text


# -- the schema change -------------------------------------------------------------------


async def test_migration_drops_old_codes_and_downgrades(
    make_bot: MakeBot, test_databases: TestDatabases
) -> None:
    bot = await make_bot(database="shared")
    await bot.close()
    db = Database(await test_databases.url("shared"))

    def columns(conn: Connection) -> list[str]:
        return sorted(c["name"] for c in inspect(conn).get_columns("core_link_code"))

    def round_trip(conn: Connection) -> tuple[list[str], list[str], int]:
        migrate_to(conn, "core_0008", down=True)
        old = columns(conn)
        conn.execute(text("INSERT INTO core_link_code VALUES ('ABC234', 'test:alice', 1e12)"))
        migrate_to(conn, "core_0009")
        left = conn.execute(text("SELECT count(*) FROM core_link_code")).scalar_one()
        return old, columns(conn), int(left)

    try:
        old, new, left = await db.run_sync_admin(round_trip)
    finally:
        await db.close()
    assert old == ["code", "expires_at", "person"]
    assert new == ["claimant", "code", "expires_at", "issuer"]
    assert left == 0  # a code issued before consent was needed cannot be redeemed
