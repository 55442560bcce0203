"""Sign-in table: one row per person, community and local day.

Revision ID: signin_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "signin_0001"
down_revision = None
branch_labels = ("signin",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "signin_record",
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("streak", sa.Integer, nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("made_up", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_signin_record_community_day", "signin_record", ["community", "day"])


def downgrade() -> None:
    op.drop_index("ix_signin_record_community_day", table_name="signin_record")
    op.drop_table("signin_record")
