"""Announcement schedules, known group scenes and deliveries.

Revision ID: announce_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "announce_0001"
down_revision = None
branch_labels = ("announce",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "announce_schedule",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("scene", sa.String(2000), nullable=False),
        sa.Column("text", sa.String(4000), nullable=False),
        sa.Column("cron", sa.String(200), nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_announce_schedule_community", "announce_schedule", ["community", "status"])
    op.create_table(
        "announce_group",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("scene", sa.String(2000), nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_table(
        "announce_delivery",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("schedule_id", sa.Integer, nullable=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("pinned", sa.Boolean, nullable=False),
        sa.Column("error", sa.String(500), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_announce_delivery_group", "announce_delivery", ["group_key", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_announce_delivery_group", table_name="announce_delivery")
    op.drop_table("announce_delivery")
    op.drop_table("announce_group")
    op.drop_index("ix_announce_schedule_community", table_name="announce_schedule")
    op.drop_table("announce_schedule")
