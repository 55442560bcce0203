"""Questions asked in private at sign-up, the answers, and who is still being asked.

Revision ID: events_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0002"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events_question",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
    )
    op.create_table(
        "events_answer",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("answered_at", sa.Float, nullable=False),
    )
    op.create_table(
        "events_asking",
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("queued_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("events_asking")
    op.drop_table("events_answer")
    op.drop_table("events_question")
