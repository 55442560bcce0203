"""Red envelopes and their shares.

Revision ID: redenvelope_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "redenvelope_0001"
down_revision = None
branch_labels = ("redenvelope",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "redenvelope_envelope",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(300), nullable=False, unique=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("giver", sa.String(200), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("shares", sa.Integer, nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("returned", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index(
        "ix_redenvelope_envelope_group_state", "redenvelope_envelope", ["group_key", "state"]
    )
    op.create_table(
        "redenvelope_share",
        sa.Column("envelope_id", sa.Integer, primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("taker", sa.String(200), nullable=True),
        sa.Column("taken_at", sa.Float, nullable=True),
        sa.Column("returned", sa.Boolean, nullable=False),
    )
    op.create_index(
        "uq_redenvelope_share_taker",
        "redenvelope_share",
        ["envelope_id", "taker"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_redenvelope_share_taker", table_name="redenvelope_share")
    op.drop_table("redenvelope_share")
    op.drop_index("ix_redenvelope_envelope_group_state", table_name="redenvelope_envelope")
    op.drop_table("redenvelope_envelope")
