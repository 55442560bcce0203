"""The registry of groups the bot has seen: one row per group with the scene to reach it.

Revision ID: core_0008
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0008"
down_revision = "core_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_group",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("platform", sa.String(64), nullable=False),
        sa.Column("scene", sa.Text, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_group")
