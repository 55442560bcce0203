"""Per admin, the actions the bot saw them take: the core's audit log (moderation, lockdown
and any plugin that records there) and the points admins granted by hand, whose ledger rows
name the granting account at the end of their reason."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from shequn import App
from shequn.audit import AUTO
from shequn.ledger import entries

GRANT_KEY = "points:grant:"
_GRANTER = re.compile(r"\(([^()\s]{1,200})\)\s*$")


async def action_counts(app: App, community: str, since: float) -> dict[str, Counter[str]]:
    """{actor person: {action: count}}; rules' own actions under ``auto``."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for actor, action, count in await app.audit.counts(community, since):
        counts[actor][action] += count
    rows = await app.db.read(lambda conn: entries(conn, community, "points", since=since))
    for row in rows:
        found = _GRANTER.search(row.reason) if row.key.startswith(GRANT_KEY) else None
        if found is not None:
            counts[app.identity.person_of(found.group(1))]["grant"] += 1
    counts.pop("", None)
    return dict(counts)


def without_rules(counts: dict[str, Counter[str]]) -> tuple[dict[str, Counter[str]], int]:
    """The admins' counts, and how many actions rules took by themselves."""
    rules = counts.get(AUTO, Counter())
    return {k: v for k, v in counts.items() if k != AUTO}, sum(rules.values())
