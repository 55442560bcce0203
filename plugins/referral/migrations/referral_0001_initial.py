"""Referral tables: invite codes and rewards.

Revision ID: referral_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "referral_0001"
down_revision = None
branch_labels = ("referral",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "referral_code",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("link", sa.String(500), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("community", "person", name="uq_referral_code_person"),
    )
    op.create_table(
        "referral_reward",
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("invitee", sa.String(200), primary_key=True),
        sa.Column("inviter", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("reverted", sa.Integer, nullable=False),
        sa.Column("joined_at", sa.Float, nullable=False),
        sa.Column("settled_at", sa.Float, nullable=True),
    )
    op.create_index("ix_referral_reward_inviter", "referral_reward", ["community", "inviter"])


def downgrade() -> None:
    op.drop_index("ix_referral_reward_inviter", table_name="referral_reward")
    op.drop_table("referral_reward")
    op.drop_table("referral_code")
