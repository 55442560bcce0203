"""Duty roster: weekly shifts and the reminders sent for them.

Revision ID: adminteam_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "adminteam_0001"
down_revision = None
branch_labels = ("adminteam",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "adminteam_shift",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("scene", sa.Text, nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("start_minute", sa.Integer, nullable=False),
        sa.Column("end_minute", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("group_key", "account", "weekday", "start_minute"),
    )
    op.create_index("ix_adminteam_shift_group_key", "adminteam_shift", ["group_key"])
    op.create_table(
        "adminteam_reminded",
        sa.Column("shift_id", sa.Integer, primary_key=True),
        sa.Column("starts_at", sa.Float, primary_key=True),
        sa.Column("sent_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("adminteam_reminded")
    op.drop_index("ix_adminteam_shift_group_key", table_name="adminteam_shift")
    op.drop_table("adminteam_shift")
