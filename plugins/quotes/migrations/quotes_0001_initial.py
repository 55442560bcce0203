"""Quote archive: quotes, votes and posted digests. The full-text index is set up at start
by the plugin's ``search`` module, which knows the database in use.

Revision ID: quotes_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "quotes_0001"
down_revision = None
branch_labels = ("quotes",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "quotes_quote",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("source", sa.String(300), nullable=False, unique=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("picked", sa.Boolean, nullable=False),
        sa.Column("votes", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_quotes_quote_community_created", "quotes_quote", ["community", "created_at"]
    )
    op.create_index("ix_quotes_quote_author", "quotes_quote", ["author"])
    op.create_table(
        "quotes_vote",
        sa.Column("quote_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("voted_at", sa.Float, nullable=False),
    )
    op.create_table(
        "quotes_digest",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("posted_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quotes_digest")
    op.drop_table("quotes_vote")
    op.drop_table("quotes_quote")
