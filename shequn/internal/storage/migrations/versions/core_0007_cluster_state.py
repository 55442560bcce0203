"""Several workers on one database: shared rate-limit buckets, and version counters of the
caches each worker keeps in memory.

Revision ID: core_0007
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_rate_bucket",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("stamp", sa.Float, nullable=False),
    )
    op.create_index("ix_core_rate_bucket_stamp", "core_rate_bucket", ["stamp"])
    op.create_table(
        "core_state_version",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_state_version")
    op.drop_index("ix_core_rate_bucket_stamp", table_name="core_rate_bucket")
    op.drop_table("core_rate_bucket")
