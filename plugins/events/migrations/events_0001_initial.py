"""Events and their sign-ups.

Revision ID: events_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "events_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("place", sa.String(500), nullable=False),
        sa.Column("starts_at", sa.Float, nullable=False),
        sa.Column("deadline", sa.Float, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("taken", sa.Integer, nullable=False),
        sa.Column("cost", sa.Integer, nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("creator", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_events_event_community", "events_event", ["community"])
    op.create_table(
        "events_signup",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("queued_at", sa.Float, nullable=False),
        sa.Column("attended_at", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("events_signup")
    op.drop_index("ix_events_event_community", table_name="events_event")
    op.drop_table("events_event")
