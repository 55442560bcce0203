"""Shared set-up of the events tests in this folder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text

from plugins.events import plugin as events_plugin
from plugins.points import plugin as points_plugin
from plugins.privacy import plugin as privacy_plugin
from shequn.testing import Harness
from shequn.testing.pytest_plugin import MakeBot

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai
CREATE = "/event create 2025-03-10 19:00 | Book club | Room 3, Library | 2"


async def new_bot(make_bot: MakeBot, **options: Any) -> Harness:
    bot = await make_bot(events_plugin, points_plugin, privacy_plugin, start=START, **options)
    bot.make_admin("admin")
    return bot


def private_to(bot: Harness, user: str, since: int = 0) -> list[str]:
    """Texts the bot sent to ``user`` in private since ``since``."""
    return [
        s.text for s in bot.sent[since:] if s.scene.is_private and s.scene.id == f"private:{user}"
    ]


def group_texts(bot: Harness) -> str:
    return "\n".join(s.text for s in bot.sent if not s.scene.is_private)


def rows(bot: Harness, table: str) -> Any:
    def read(conn: Connection) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(text(f"select * from {table}"))]

    return bot.app.db.read(read)
