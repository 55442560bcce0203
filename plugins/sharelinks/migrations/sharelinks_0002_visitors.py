"""Honest visitor counts: the address window of each link, and the generated signing key.

Revision ID: sharelinks_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "sharelinks_0002"
down_revision = "sharelinks_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharelink_address",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("until", sa.Float, nullable=False),
    )
    op.create_table(
        "sharelink_key",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sharelink_key")
    op.drop_table("sharelink_address")
