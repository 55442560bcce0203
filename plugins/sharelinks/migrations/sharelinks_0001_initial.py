"""Share links (chains by parent) and their unique visitors.

Revision ID: sharelinks_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "sharelinks_0001"
down_revision = None
branch_labels = ("sharelinks",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "sharelink_link",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("parent", sa.String(16), nullable=False),
        sa.Column("root", sa.String(16), nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("clicks", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index(
        "ux_sharelink_link_owner",
        "sharelink_link",
        ["community", "person", "parent", "url"],
        unique=True,
    )
    op.create_index("ix_sharelink_link_root", "sharelink_link", ["community", "root"])
    op.create_table(
        "sharelink_visit",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("visitor", sa.String(64), primary_key=True),
        sa.Column("first_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sharelink_visit")
    op.drop_index("ix_sharelink_link_root", table_name="sharelink_link")
    op.drop_index("ux_sharelink_link_owner", table_name="sharelink_link")
    op.drop_table("sharelink_link")
