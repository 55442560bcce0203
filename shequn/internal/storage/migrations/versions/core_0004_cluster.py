"""Several workers on one database: events taken on, and shared command cooldowns.

Revision ID: core_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_event",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_index("ix_core_event_seen_at", "core_event", ["seen_at"])
    op.create_table(
        "core_cooldown",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("until", sa.Float, nullable=False),
    )
    op.create_index("ix_core_cooldown_until", "core_cooldown", ["until"])


def downgrade() -> None:
    op.drop_index("ix_core_cooldown_until", table_name="core_cooldown")
    op.drop_table("core_cooldown")
    op.drop_index("ix_core_event_seen_at", table_name="core_event")
    op.drop_table("core_event")
