"""Telegram: the member each bot-created invite link belongs to.

Revision ID: telegram_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "telegram_0001"
down_revision = None
branch_labels = ("telegram",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "telegram_invite_link",
        sa.Column("link", sa.String(255), primary_key=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("telegram_invite_link")
