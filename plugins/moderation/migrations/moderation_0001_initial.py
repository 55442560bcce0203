"""Moderation tables: warnings, audit log, kick-chain removals, shared blacklist.

Revision ID: moderation_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "moderation_0001"
down_revision = None
branch_labels = ("moderation",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "moderation_warning",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
    )
    op.create_index("ix_moderation_warning_person", "moderation_warning", ["community", "person"])
    op.create_table(
        "moderation_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_moderation_audit_community", "moderation_audit", ["community", "id"])
    op.create_table(
        "moderation_removal",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("root", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("removed_at", sa.Float, nullable=False),
        sa.Column("restored_at", sa.Float, nullable=True),
        sa.Column("restored_by", sa.String(200), nullable=True),
        sa.Column("appeal", sa.String(500), nullable=True),
        sa.Column("appealed_at", sa.Float, nullable=True),
    )
    op.create_index("ix_moderation_removal_person", "moderation_removal", ["person", "status"])
    op.create_table(
        "moderation_blacklist",
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("moderation_blacklist")
    op.drop_index("ix_moderation_removal_person", table_name="moderation_removal")
    op.drop_table("moderation_removal")
    op.drop_index("ix_moderation_audit_community", table_name="moderation_audit")
    op.drop_table("moderation_audit")
    op.drop_index("ix_moderation_warning_person", table_name="moderation_warning")
    op.drop_table("moderation_warning")
