"""Forgetting a member leaves nothing that names them: every built-in plugin on, the member
active in all of them, then every column of every table searched for their account keys,
user ids, person key and display names (as whole values and inside keys, payloads and
texts), while the books still balance and the other members keep what is theirs."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, text
from typer.testing import CliRunner

from plugins.privacy import plugin as privacy
from plugins.signin import plugin as signin
from shequn import User
from shequn.cli import app as cli
from shequn.internal.linking import Claimed, Linked, Links
from shequn.internal.loader import discover
from shequn.internal.storage.database import Database
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
BOB = "bob7731"
BOB_ACCOUNT = f"test:{BOB}"
BOB_OTHER = "tg:77310042"
"""Bob's account on a second platform, linked to the same person."""
NAMES = {"bob7731": "Bobrovsky", "alice": "Alice Wonder", "carol": "Carol Quill"}
BOB_OTHER_NAME = "Бобровский"
BANK = """\
- type: truefalse
  question: Ice is frozen water.
  answer: true
  category: truth
"""


def needles() -> list[str]:
    """Everything that would point at bob, as it could appear anywhere; the digests are
    what anyone who knows his keys could compute, so no anonymous key may be one."""
    digests = [hashlib.sha256(k.encode()).hexdigest()[:16] for k in (BOB_ACCOUNT, BOB_OTHER)]
    return [BOB_ACCOUNT, BOB_OTHER, BOB, "77310042", "Bobrovsky", BOB_OTHER_NAME, *digests]


BOBS_WORDS = [
    "notes on asyncio",  # his sign-in note
    "with love",  # his red envelope's note
    "thinks asyncio is neat",  # his quote, and his message kept for analytics
    "138-7731",  # his sign-up answer
    "spoke about asyncio",  # his session summary
    "did nothing wrong",  # his appeal
    "one more word",  # a message still in the analytics buffer when he is forgotten
]
"""Bob's own words: deleted, not merely stripped of his name."""


def found_anywhere(conn: Connection, words: list[str]) -> list[str]:
    """``table.column: word`` for every column of every table holding one of ``words``
    anywhere in its value (case-insensitively, bytes included)."""
    folded = [w.casefold() for w in words]
    hits: set[str] = set()
    for name in inspect(conn).get_table_names():
        rows = conn.execute(text(f'select * from "{name}"'))
        columns = list(rows.keys())
        for row in rows:
            for col, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                raw = value.decode("utf-8", "ignore") if isinstance(value, bytes) else str(value)
                cell = raw.casefold()
                hits.update(f"{name}.{col}: {w}" for w in folded if w in cell)
    return sorted(hits)


async def new_bot(make_bot: MakeBot) -> Harness:
    plugins = [found.plugin for found in discover([ROOT / "plugins"])]
    assert len(plugins) >= 20
    bot = await make_bot(
        *plugins,
        start=START,
        superusers=["test:alice"],
        sharelinks={"public_url": "https://bot.example.org", "secret": "pepper"},
    )
    platform = bot.platform
    platform.user = lambda name: User(  # type: ignore[method-assign]
        platform=platform.platform, id=name, name=NAMES.get(name, name)
    )
    bot.make_admin("alice")
    return bot


async def bob_everywhere(bot: Harness) -> None:
    """Bob (and alice and carol around him) in every plugin, at a pace no flood rule minds."""

    async def say(words: str, **where: Any) -> str:
        bot.clock.advance(timedelta(seconds=30))
        return await bot.say(words, **where)

    await say("/config core analytics_text true", user="alice")
    await say("hello all", user="alice")
    await say("hi there", user="carol")
    await bot.join("sam")
    await bot.join(BOB, inviter="sam")
    await say("/signin Reading Bobrovsky's notes on asyncio", user=BOB)
    await say("/signin carol's day", user="carol")
    await say("/kickchain @sam ads", user="alice")  # bob came through sam: removed too
    assert "appeal" in await say("/appeal Bobrovsky did nothing wrong", user=BOB, group=None)
    # Bob links an account on a second platform: the other account issued the code.
    await bot.app.identity.remember_name(User(platform="tg", id="77310042", name=BOB_OTHER_NAME))
    links = Links(bot.app.db, bot.clock, bot.app.identity)
    code, _ = await links.issue(BOB_OTHER)
    assert isinstance(await links.claim(BOB_ACCOUNT, code), Claimed)
    assert isinstance(await links.confirm(BOB_OTHER), Linked)
    assert bot.person(BOB) == BOB_OTHER
    await say(f"/grant @{BOB} 200 for Bobrovsky's talk", user="alice")
    await say("/grant @carol 200 for the cake", user="alice")
    await say("/hongbao 20 2 from Bobrovsky with love", user=BOB)
    await say("/grab", user="carol")
    await say("/hongbao 20 2 carol's treat", user="carol")
    await say("/grab", user=BOB)
    await say("Bobrovsky thinks asyncio is neat", user=BOB, event_id="bob-words")
    await say("/quote", user="carol", reply_to="bob-words")
    await say("Carol's own wisdom", user="carol", event_id="carol-words")
    await say("/quote", user=BOB, reply_to="carol-words")
    await say("/quote up 2", user=BOB)
    await say("/event create 2025-03-10 19:00 | Book club | Room 3 | 5", user="alice")
    await say("/event questions 1 name phone", user="alice")
    await say("/event join 1", user=BOB)
    await say("Bob Bobrovsky", user=BOB, group=None)
    await say("+86 138-7731-0000", user=BOB, group=None)
    await say("/event join 1", user="carol")
    await say("Carol Quill", user="carol", group=None)
    await say("+86 138-0000-0000", user="carol", group=None)
    await say("/lottery create Cup", user="alice")
    await bot.press("lottery:join:1", user=BOB)
    await bot.press("lottery:join:1", user="carol")
    await say('/poll "Where?" Park Cafe', user="alice")
    await say("/poll vote 1 1", user=BOB)
    await say("/poll vote 1 2", user="carol")
    await say("/shop add Mug 10 5", user="alice")
    await say("/redeem Mug", user=BOB)
    await say("/redeem Mug", user="carol")
    await say("/invite", user=BOB)
    await bot.join("dave", inviter=BOB)
    await say(f"/title @{BOB} Helper", user="alice")
    await say(f"/warn @{BOB} Bobrovsky spammed", user="alice")
    await say("/share https://example.com/bob", user=BOB)
    await say("/session create 03-12 20:00 | Python talks", user="alice")
    await say("/session volunteer", user=BOB)
    await say(f"/club renew @{BOB} 30", user="alice")
    bot.make_admin(BOB)
    await say(f"/duty add @{BOB} Mon 09:00-10:00", user="alice")
    bot.platform.group(bot.group).admins.discard(BOB)
    await say("/quiz import yaml\n" + BANK, user="alice")
    await say("/quiz start truth 1", user="alice")
    await say("true", user=BOB)
    await say(f"@{BOB} nice one, Bobrovsky", user="carol", reply_to="bob-words")
    await bot.advance(timedelta(days=2, hours=11))  # the lottery draws, the session is held
    await say("/session summary Bobrovsky spoke about asyncio", user=BOB)
    await say("/plugin on welcome", user="alice")
    await bot.request_join("erin", "Bobrovsky invited me", inviter=BOB)
    await bot.advance(timedelta(minutes=5))
    await say("one more word from Bobrovsky", user=BOB)  # still in the analytics buffer


def balances_match(conn: Connection) -> bool:
    sums = conn.execute(
        text("select person, community, sum(amount) from core_ledger group by person, community")
    ).all()
    balances = conn.execute(text("select person, community, balance from core_balance")).all()
    return {(p, c): s for p, c, s in sums if s} == {(p, c): b for p, c, b in balances if b}


def others(conn: Connection) -> dict[str, Any]:
    """What belongs to alice, carol and the rest, to compare before and after."""

    def rows(query: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(r) for r in conn.execute(text(query)))

    return {
        "balances": rows(
            "select person, community, balance from core_balance"
            f" where person like 'test:%' and person != '{BOB_ACCOUNT}'"
        ),
        "signins": rows("select person, day, note from signin_record where person = 'test:carol'"),
        "envelopes": rows(
            "select giver, note from redenvelope_envelope where giver = 'test:carol'"
        ),
        "quotes": rows("select author, author_name, text from quotes_quote"),
        "answers": rows("select person, position, answer from events_answer"),
        "applications": rows("select account, name, status from welcome_application"),
        "profiles": rows("select key, name from core_profile"),
    }


async def test_forgetting_leaves_no_trace_of_the_member(make_bot: MakeBot) -> None:
    bot = await new_bot(make_bot)
    await bob_everywhere(bot)
    before = await bot.app.db.read(lambda c: found_anywhere(c, needles()))
    assert len(before) > 100, before  # bob is all over the place
    said = await bot.app.db.read(lambda c: found_anywhere(c, BOBS_WORDS[:-1]))
    assert {hit.rsplit(": ", 1)[1] for hit in said} == {w.casefold() for w in BOBS_WORDS[:-1]}
    kept = await bot.app.db.read(others)
    assert ("test:carol", "Carol Quill", "Carol's own wisdom") in kept["quotes"]
    assert kept["applications"] and kept["answers"] and kept["envelopes"]
    assert bot.app.analytics.recorder.pending > 0
    done = await bot.say(f"/forget @{BOB} confirm", user="alice")
    assert done.startswith(f"Forgot {BOB_ACCOUNT}:"), done
    await bot.app.analytics.flush()  # what was buffered lands now, anonymous
    assert await bot.app.db.read(lambda c: found_anywhere(c, needles())) == []
    assert await bot.app.db.read(lambda c: found_anywhere(c, BOBS_WORDS)) == []
    assert await bot.app.db.read(balances_match)
    after = await bot.app.db.read(others)
    bobs_quote = ("tg:77310042", "Bobrovsky", "Bobrovsky thinks asyncio is neat")
    assert after["quotes"] == [q for q in kept["quotes"] if q != bobs_quote]
    assert after["answers"] == [a for a in kept["answers"] if a[0] != BOB_OTHER]
    assert len(after["answers"]) == 2  # carol's
    assert after["applications"] == kept["applications"]  # erin's, though bob invited her
    assert after["profiles"] == [
        p for p in kept["profiles"] if p[0] not in (BOB_ACCOUNT, BOB_OTHER)
    ]
    for part in ("balances", "signins", "envelopes"):
        assert after[part] == kept[part], part
    assert bot.person(BOB) == BOB_ACCOUNT  # the link is gone from memory too
    assert await bot.balance(BOB) == 0


async def test_shequn_forget_does_the_same_from_the_command_line(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await new_bot(make_bot)
    await bob_everywhere(bot)
    await bot.app.analytics.flush()
    url = bot.settings.database.url
    await bot.close()
    monkeypatch.setenv("SHEQUN_DATABASE__URL", url)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["forget", BOB_ACCOUNT, "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Forgot {BOB_ACCOUNT}, {BOB_OTHER}" in result.output
    db = Database(url)
    try:
        assert await db.read(lambda c: found_anywhere(c, needles())) == []
        assert await db.read(balances_match)
    finally:
        await db.close()


async def test_only_the_member_is_rewritten_not_lookalikes(make_bot: MakeBot) -> None:
    """``test:bob`` is not part of ``test:bobby``; a member whose account key is also the
    group's key (a QQ number may equal a group number) leaves the group alone."""
    bot = await make_bot(signin, privacy, superusers=["test:root"])
    for user in ("bob", "bobby", "group", "carol"):
        await bot.say(f"/signin I am {user}", user=user)
    read_ledger = "select person, idem_key from core_ledger order by idem_key"
    ledger = await bot.app.db.read(lambda c: c.execute(text(read_ledger)).all())
    for who in ("bob", "group"):
        assert "Forgot" in await bot.say(f"/forget @{who} confirm", user="root")
    after = await bot.app.db.read(lambda c: c.execute(text(read_ledger)).all())
    untouched = [r for r in ledger if r.person in ("test:bobby", "test:carol")]
    assert untouched and all(r in after for r in untouched)
    assert not [r for r in after if r.person in ("test:bob", "test:group")]
    assert "test:bob:" not in str(after) and "test:bob" in str(after)  # only bobby's
    notes = "select person, group_key, note from signin_record order by note"
    kept = await bot.app.db.read(lambda c: c.execute(text(notes)).all())
    assert [(r.person, r.note) for r in kept if r.note] == [
        ("test:bobby", "I am bobby"),
        ("test:carol", "I am carol"),
    ]
    assert {r.group_key for r in kept} == {"test:group"}
    assert await bot.balance("bobby") == await bot.balance("carol") > 0
    assert "signed in" in await bot.say("/signin", user="dave")  # the group works on
