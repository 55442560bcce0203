"""Discord: the invites of each server as last seen, and whose personal invite each one is.

Revision ID: discord_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "discord_0001"
down_revision = None
branch_labels = ("discord",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "discord_invite_guild",
        sa.Column("guild_id", sa.String(32), primary_key=True),
        sa.Column("vanity_uses", sa.Integer, nullable=True),
        sa.Column("read_at", sa.Float, nullable=False),
    )
    op.create_table(
        "discord_invite",
        sa.Column("guild_id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("uses", sa.Integer, nullable=False),
        sa.Column("max_uses", sa.Integer, nullable=False),
        sa.Column("inviter_id", sa.String(32), nullable=True),
        sa.Column("inviter_name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=True),
        sa.Column("owner_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("label", sa.String(64), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("discord_invite")
    op.drop_table("discord_invite_guild")
