"""Sharing-session series and their occurrences (the rota and the summaries).

Revision ID: sessions_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "sessions_0001"
down_revision = None
branch_labels = ("sessions",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "sessions_series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("first_at", sa.Float, nullable=False),
        sa.Column("every_days", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("creator", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_sessions_series_community", "sessions_series", ["community"])
    op.create_index("ix_sessions_series_group_key", "sessions_series", ["group_key"])
    op.create_table(
        "sessions_occurrence",
        sa.Column("series_id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.Float, nullable=False),
        sa.Column("host", sa.String(200), nullable=True),
        sa.Column("host_account", sa.String(200), nullable=True),
        sa.Column("host_name", sa.Text, nullable=True),
        sa.Column("host_reminded", sa.Boolean, nullable=False),
        sa.Column("group_reminded", sa.Boolean, nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("summary_at", sa.Float, nullable=True),
    )
    op.create_index("ix_sessions_occurrence_community", "sessions_occurrence", ["community"])


def downgrade() -> None:
    op.drop_index("ix_sessions_occurrence_community", table_name="sessions_occurrence")
    op.drop_table("sessions_occurrence")
    op.drop_index("ix_sessions_series_group_key", table_name="sessions_series")
    op.drop_index("ix_sessions_series_community", table_name="sessions_series")
    op.drop_table("sessions_series")
