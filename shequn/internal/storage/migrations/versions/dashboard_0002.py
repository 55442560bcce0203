"""The dashboard lists the groups of the core's registry: the groups it knew are copied into
``core_group`` (a row the core already has is kept), then its own table goes.

Revision ID: dashboard_0002
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "dashboard_0002"
down_revision = "dashboard_0001"
branch_labels = None
depends_on = "core_0008"

KINDS = ("group", "channel", "guild")
"""The kinds of scene a group row can have; anything else was read as a plain group."""

_old = sa.table(
    "dashboard_group",
    sa.column("group_key", sa.String),
    sa.column("platform", sa.String),
    sa.column("kind", sa.String),
    sa.column("name", sa.String),
    sa.column("first_seen", sa.Float),
    sa.column("last_seen", sa.Float),
)
_core = sa.table(
    "core_group",
    sa.column("group_key", sa.String),
    sa.column("platform", sa.String),
    sa.column("scene", sa.Text),
    sa.column("name", sa.String),
    sa.column("first_seen", sa.Float),
    sa.column("last_seen", sa.Float),
)


def _core_row(old: Any) -> dict[str, Any]:
    """The registry's row for a group the dashboard knew; the dashboard stored the group's id
    as its name when it had none, the registry stores no name then."""
    platform, _, group_id = str(old.group_key).partition(":")
    name = "" if old.name == group_id else str(old.name)
    kind = old.kind if old.kind in KINDS else "group"
    scene = {"platform": platform, "kind": kind, "id": group_id, "name": name}
    return {
        "group_key": old.group_key,
        "platform": str(old.platform)[:64],
        "scene": json.dumps(scene, ensure_ascii=False),
        "name": name[:200],
        "first_seen": float(old.first_seen),
        "last_seen": float(old.last_seen),
    }


def upgrade() -> None:
    conn = op.get_bind()
    present = {r.group_key for r in conn.execute(sa.select(_core.c.group_key))}
    rows = [_core_row(old) for old in conn.execute(sa.select(_old)) if old.group_key not in present]
    if rows:
        op.bulk_insert(_core, rows)
    op.drop_table("dashboard_group")


def _old_row(core: Any) -> dict[str, Any] | None:
    try:
        scene = json.loads(core.scene)
        owner = scene.get("parent") or scene
        kind = str(owner["kind"])
        group_id = str(owner["id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # unreadable: the registry skips it too
    return {
        "group_key": core.group_key,
        "platform": str(core.platform)[:50],
        "kind": kind[:16],
        "name": (core.name or group_id)[:200],
        "first_seen": float(core.first_seen),
        "last_seen": float(core.last_seen),
    }


def downgrade() -> None:
    op.create_table(
        "dashboard_group",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("platform", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
    )
    conn = op.get_bind()
    rows = [r for r in (_old_row(c) for c in conn.execute(sa.select(_core))) if r is not None]
    if rows:
        op.bulk_insert(_old, rows)
