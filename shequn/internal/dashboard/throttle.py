"""How often one client may try to log in to the dashboard.

Each attempt takes a token from a bucket per client address (``address_key`` of
``client_address``: forwarded headers count only from ``[web] trusted_proxies``) *before*
it is evaluated, in one statement on the shared ``core_rate_bucket`` table, so parallel
attempts, or attempts spread over several workers, cannot slip past between a check and a
count. ``ATTEMPTS`` tries at once, then one every ``WINDOW / ATTEMPTS`` seconds.

What the throttle protects is the short one-time codes. A superuser token holds 256 random
bits, so it is checked even for a throttled address: guessing one is hopeless, and an
attacker's failures at the admin's address (a shared office, a VPN exit) must not lock the
admin out.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete

from shequn.internal.models import RateBucket
from shequn.internal.storage.database import Database
from shequn.internal.storage.dialect import take_token

ATTEMPTS = 10
WINDOW = 600.0
PREFIX = "login:"

_buckets = RateBucket.__table__  # type: ignore[attr-defined]


async def take_attempt(db: Database, address: str, now: float) -> bool:
    """Count one login attempt from ``address``; False when it is over the limit."""

    def write(conn: Connection) -> bool:
        refilled = _buckets.c.stamp < now - WINDOW  # full again: same as no row at all
        conn.execute(delete(_buckets).where(_buckets.c.key.startswith(PREFIX), refilled))
        return take_token(conn, _buckets, PREFIX + address, now, ATTEMPTS / WINDOW, ATTEMPTS)

    return await db.write(write)
