"""Community-health analytics: message metadata per hour, joins and leaves, opted-in text.

Revision ID: core_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None

_COUNTERS = (
    "messages",
    "chars",
    "links",
    "questions",
    "replies",
    "mentions",
    "commands",
    "dissent",
    "replies_received",
)


def upgrade() -> None:
    op.create_table(
        "core_activity",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False) for name in _COUNTERS),
    )
    op.create_index("ix_core_activity_person", "core_activity", ["group_key", "person"])
    op.create_table(
        "core_activity_use",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("activity", sa.String(100), primary_key=True),
        sa.Column("uses", sa.Integer, nullable=False),
    )
    op.create_table(
        "core_membership",
        sa.Column("event_key", sa.String(300), primary_key=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_core_membership_group", "core_membership", ["group_key", "at"])
    op.create_table(
        "core_activity_seen",
        sa.Column("event_key", sa.String(300), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_core_activity_seen_at", "core_activity_seen", ["at"])
    op.create_table(
        "core_message_text",
        sa.Column("event_key", sa.String(300), primary_key=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_core_message_text_group", "core_message_text", ["group_key", "at"])


def downgrade() -> None:
    op.drop_index("ix_core_message_text_group", table_name="core_message_text")
    op.drop_table("core_message_text")
    op.drop_index("ix_core_activity_seen_at", table_name="core_activity_seen")
    op.drop_table("core_activity_seen")
    op.drop_index("ix_core_membership_group", table_name="core_membership")
    op.drop_table("core_membership")
    op.drop_table("core_activity_use")
    op.drop_index("ix_core_activity_person", table_name="core_activity")
    op.drop_table("core_activity")
