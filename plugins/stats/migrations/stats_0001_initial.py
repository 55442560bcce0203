"""Stats: the last lifecycle stage seen per group, and weekly reports already sent.

Revision ID: stats_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "stats_0001"
down_revision = None
branch_labels = ("stats",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "stats_stage",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("changed_at", sa.Float, nullable=False),
    )
    op.create_table(
        "stats_report",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("week", sa.String(10), primary_key=True),
        sa.Column("sent_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stats_report")
    op.drop_table("stats_stage")
