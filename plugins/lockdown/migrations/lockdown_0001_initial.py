"""Lockdown state per community and the members it holds.

Revision ID: lockdown_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "lockdown_0001"
down_revision = None
branch_labels = ("lockdown",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "lockdown_state",
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("slow_seconds", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("until", sa.Float, nullable=False),
        sa.Column("scenes", sa.String(20_000), nullable=False),
    )
    op.create_table(
        "lockdown_held",
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("user_key", sa.String(200), primary_key=True),
        sa.Column("scene", sa.String(2000), nullable=False),
        sa.Column("newcomer", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lockdown_held")
    op.drop_table("lockdown_state")
