"""Welcome tables: handled events, verifications, applications, block list, rule acceptances.

Revision ID: welcome_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "welcome_0001"
down_revision = None
branch_labels = ("welcome",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "welcome_event",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "welcome_newcomer",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("join_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("answer", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Float, nullable=False),
        sa.Column("prompt_id", sa.String(200), nullable=False),
        sa.Column("inviter", sa.String(200), nullable=False),
        sa.Column("inviter_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "welcome_application",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("request_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        sa.Column("inviter", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("decided_at", sa.Float, nullable=True),
    )
    op.create_table(
        "welcome_blocked",
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "welcome_acceptance",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("accepted_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "welcome_acceptance",
        "welcome_blocked",
        "welcome_application",
        "welcome_newcomer",
        "welcome_event",
    ):
        op.drop_table(table)
