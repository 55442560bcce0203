"""Account links need both accounts: a link code records who issued it and who redeemed it.

Pending codes live ten minutes; they are dropped on upgrade (and on downgrade) rather than
converted: a member asks for a new one.

Revision ID: core_0009
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0009"
down_revision = "core_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("core_link_code")
    op.create_table(
        "core_link_code",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("issuer", sa.String(200), nullable=False, unique=True),
        sa.Column("claimant", sa.String(200), nullable=True),
        sa.Column("expires_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_link_code")
    op.create_table(
        "core_link_code",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
