"""The groups announcements reach now come from the core's group registry: the groups this
plugin knew are copied into ``core_group`` (a row the core already has is kept), then its
own table goes.

Revision ID: announce_0002
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "announce_0002"
down_revision = "announce_0001"
branch_labels = None
depends_on = "core_0008"

_old = sa.table(
    "announce_group",
    sa.column("group_key", sa.String),
    sa.column("scene", sa.String),
    sa.column("seen_at", sa.Float),
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


def _name(scene: dict[str, Any]) -> str:
    parent = scene.get("parent")
    owner = parent if isinstance(parent, dict) else scene
    return str(owner.get("name", ""))[:200]


def upgrade() -> None:
    conn = op.get_bind()
    present = {r.group_key for r in conn.execute(sa.select(_core.c.group_key))}
    rows = []
    for old in conn.execute(sa.select(_old)):
        if old.group_key in present:
            continue
        try:
            scene = json.loads(old.scene)
            platform = str(scene["platform"])[:64]
        except (ValueError, KeyError, TypeError):
            continue  # unreadable: it could not have been sent to either
        seen = float(old.seen_at)
        rows.append(
            {
                "group_key": old.group_key,
                "platform": platform,
                "scene": old.scene,
                "name": _name(scene),
                "first_seen": seen,
                "last_seen": seen,
            }
        )
    if rows:
        op.bulk_insert(_core, rows)
    op.drop_table("announce_group")


def downgrade() -> None:
    op.create_table(
        "announce_group",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("scene", sa.String(2000), nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    conn = op.get_bind()
    conn.execute(
        sa.insert(_old).from_select(
            ["group_key", "scene", "seen_at"],
            sa.select(_core.c.group_key, _core.c.scene, _core.c.last_seen).where(
                sa.func.length(_core.c.scene) <= 2000
            ),
        )
    )
