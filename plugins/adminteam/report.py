"""Per admin, the actions the bot saw them take, counted from the core's audit log, where
moderation, lockdown, points grants and any other plugin record who did what.

Grants made before ``/grant`` audited itself are found in the ledger instead (see
:func:`legacy_grants`)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from sqlalchemy import Connection, select

from shequn import App
from shequn.audit import AUTO, AuditRecord
from shequn.ledger import entries

GRANT_KEY = "points:grant:"
"""Ledger rows and audit entries of ``/grant`` share this key prefix, and a key per grant."""
_audit = AuditRecord.__table__  # type: ignore[attr-defined]


async def action_counts(app: App, community: str, since: float) -> dict[str, Counter[str]]:
    """{actor person: {action: count}}; rules' own actions under ``auto``."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for actor, action, count in await app.audit.counts(community, since):
        counts[actor][action] += count
    for account, amount in await app.db.read(lambda conn: legacy_grants(conn, community, since)):
        counts[app.identity.person_of(account)]["grant" if amount > 0 else "deduct"] += 1
    counts.pop("", None)
    return dict(counts)


# -- legacy: grants from before the audit log knew them ----------------------------------------
# Until ``/grant`` wrote an audit entry, its ledger row named the granting account at the end
# of its reason: "REASON (platform:id)". Such a row has no audit entry under its key; every
# later grant has one, so no later reason (whatever its brackets) is parsed. Once no report
# window reaches back to the upgrade (``/duty report`` covers at most 366 days) this section
# and its call above can go.

_LEGACY_GRANTER = re.compile(r"\(([^()\s]{1,200})\)\s*$")


def legacy_grants(conn: Connection, community: str, since: float) -> list[tuple[str, int]]:
    """(granting account, amount) of the community's unaudited ``/grant`` rows since ``since``."""
    audited = set(
        conn.execute(
            select(_audit.c.key).where(
                _audit.c.community == community,
                _audit.c.created_at >= since,
                _audit.c.key.startswith(GRANT_KEY, autoescape=True),
            )
        ).scalars()
    )
    found: list[tuple[str, int]] = []
    for row in entries(conn, community, "points", since=since):
        if not row.key.startswith(GRANT_KEY) or row.key[:300] in audited:  # as audit keys are kept
            continue
        granter = _LEGACY_GRANTER.search(row.reason)
        if granter is not None:
            found.append((granter.group(1), row.amount))
    return found


def without_rules(counts: dict[str, Counter[str]]) -> tuple[dict[str, Counter[str]], int]:
    """The admins' counts, and how many actions rules took by themselves."""
    rules = counts.get(AUTO, Counter())
    return {k: v for k, v in counts.items() if k != AUTO}, sum(rules.values())
