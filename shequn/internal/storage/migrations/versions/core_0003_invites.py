"""Invite attribution: who brought whom into each community.

Revision ID: core_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_invite",
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("inviter", sa.String(200), nullable=True),
        sa.Column("via", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("joined_at", sa.Float, nullable=False),
        sa.Column("first_joined_at", sa.Float, nullable=False),
        sa.Column("left_at", sa.Float, nullable=True),
        sa.Column("rejoins", sa.Integer, nullable=False),
        sa.Column("join_event", sa.String(300), nullable=False),
    )
    op.create_index("ix_core_invite_inviter", "core_invite", ["community", "inviter"])


def downgrade() -> None:
    op.drop_index("ix_core_invite_inviter", table_name="core_invite")
    op.drop_table("core_invite")
