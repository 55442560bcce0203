"""Reach read from the tables, for ``/share top`` and ``/share stats`` and as the "shares"
measure other plugins read through ``app.contributions`` (referral's ``/kol``)."""

from __future__ import annotations

from sqlalchemy import Connection

from shequn import App

from .declaration import plugin
from .reach import Reach, reach
from .store import community_links, visitors_by_code

MEASURE = "shares"


async def community_reach(app: App, community: str) -> list[Reach]:
    """Everyone's reach in ``community``, best first."""

    def read(conn: Connection) -> list[Reach]:
        return reach(community_links(conn, community), visitors_by_code(conn, community))

    return await app.db.read(read)


async def shares(app: App, community: str) -> dict[str, int]:
    """Person -> unique visitors of their links plus those their re-sharers brought."""
    return {r.person: r.score for r in await community_reach(app, community) if r.score > 0}


@plugin.on_startup
async def offer_shares(app: App) -> None:
    app.contributions.offer(plugin, MEASURE, shares)
