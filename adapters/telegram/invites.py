"""Invite links the bot created for members: link -> member, for referral attribution.

Telegram tells who joined through which link, but a link the bot created names the bot as
its creator; this table remembers the member each link was made for. Rows are written once
per link (insert-or-ignore on the URL), so a retried creation never re-assigns a link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Float, MetaData, String, Table, select

from shequn.storage import insert_ignore

metadata = MetaData()
invite_links = Table(
    "telegram_invite_link",
    metadata,
    Column("link", String(255), primary_key=True),
    Column("chat_id", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Owner:
    user_id: str
    user_name: str
    name: str


def remember(
    link: str, chat_id: str, name: str, user_id: str, user_name: str, now: float
) -> Callable[[Connection], bool]:
    def write(conn: Connection) -> bool:
        return insert_ignore(
            conn,
            invite_links,
            {
                "link": link,
                "chat_id": chat_id,
                "name": name[:64],
                "user_id": user_id,
                "user_name": user_name[:200],
                "created_at": now,
            },
            ("link",),
        )

    return write


def owner_of(link: str) -> Callable[[Connection], Owner | None]:
    def read(conn: Connection) -> Owner | None:
        row = conn.execute(
            select(invite_links.c.user_id, invite_links.c.user_name, invite_links.c.name).where(
                invite_links.c.link == link
            )
        ).first()
        return Owner(row.user_id, row.user_name, row.name) if row is not None else None

    return read
