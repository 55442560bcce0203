"""Polls and their votes.

Revision ID: polls_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "polls_0001"
down_revision = None
branch_labels = ("polls",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "polls_poll",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("multiple", sa.Boolean, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("creator", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("closes_at", sa.Float, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
    )
    op.create_index("ix_polls_poll_group_key", "polls_poll", ["group_key"])
    op.create_table(
        "polls_vote",
        sa.Column("poll_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True),
        sa.Column("option", sa.Integer, nullable=False),
        sa.Column("voted_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("polls_vote")
    op.drop_table("polls_poll")
