"""Wrong check-in codes per person and event, for the check-in lockout.

Revision ID: events_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0003"
down_revision = "events_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events_checkin_miss",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("misses", sa.Integer, nullable=False),
        sa.Column("window_start", sa.Float, nullable=False),
        sa.Column("locked_until", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("events_checkin_miss")
