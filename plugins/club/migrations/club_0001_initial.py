"""Club membership terms.

Revision ID: club_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "club_0001"
down_revision = None
branch_labels = ("club",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "club_term",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("ends_at", sa.Float, nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("club_term")
