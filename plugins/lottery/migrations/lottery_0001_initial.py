"""Lottery tables: lotteries, entries, group members seen.

Revision ID: lottery_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "lottery_0001"
down_revision = None
branch_labels = ("lottery",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "lottery_lottery",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(300), nullable=False, unique=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("scene", sa.String, nullable=False),
        sa.Column("creator", sa.String(200), nullable=False),
        sa.Column("prize", sa.String(500), nullable=False),
        sa.Column("prize_points", sa.Integer, nullable=False),
        sa.Column("winners", sa.Integer, nullable=False),
        sa.Column("ends_at", sa.Float, nullable=False),
        sa.Column("max_entrants", sa.Integer, nullable=True),
        sa.Column("entry", sa.String(16), nullable=False),
        sa.Column("cost", sa.Integer, nullable=False),
        sa.Column("min_points", sa.Integer, nullable=False),
        sa.Column("min_streak", sa.Integer, nullable=False),
        sa.Column("min_days", sa.Integer, nullable=False),
        sa.Column("title", sa.String(64), nullable=False),
        sa.Column("entrants", sa.Integer, nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("rounds", sa.Integer, nullable=False),
        sa.Column("announced", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("drawn_at", sa.Float, nullable=True),
    )
    op.create_index("ix_lottery_lottery_group_state", "lottery_lottery", ["group_key", "state"])
    op.create_table(
        "lottery_entry",
        sa.Column("lottery_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("paid", sa.Integer, nullable=False),
        sa.Column("entered_at", sa.Float, nullable=False),
        sa.Column("excluded_round", sa.Integer, nullable=True),
        sa.Column("winner_round", sa.Integer, nullable=True),
    )
    op.create_table(
        "lottery_member",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("since", sa.Float, nullable=False),
        sa.Column("left_at", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("lottery_member")
    op.drop_table("lottery_entry")
    op.drop_index("ix_lottery_lottery_group_state", table_name="lottery_lottery")
    op.drop_table("lottery_lottery")
