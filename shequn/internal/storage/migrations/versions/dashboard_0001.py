"""Admin dashboard: login tokens and codes, sessions, known groups, audit log, broadcasts.

A branch of its own, so it never competes with the core's linear history.

Revision ID: dashboard_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "dashboard_0001"
down_revision = None
branch_labels = ("dashboard",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "dashboard_token",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "dashboard_login_code",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "dashboard_session",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("superuser", sa.Boolean, nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_dashboard_session_expires", "dashboard_session", ["expires_at"])
    op.create_table(
        "dashboard_group",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("platform", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
    )
    op.create_table(
        "dashboard_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
    )
    op.create_index("ix_dashboard_audit_target", "dashboard_audit", ["target", "at"])
    op.create_table(
        "dashboard_broadcast",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_dashboard_broadcast_community", "dashboard_broadcast", ["community"])
    op.create_table(
        "dashboard_delivery",
        sa.Column("broadcast_id", sa.Integer, primary_key=True),
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "dashboard_delivery",
        "dashboard_broadcast",
        "dashboard_audit",
        "dashboard_group",
        "dashboard_session",
        "dashboard_login_code",
        "dashboard_token",
    ):
        op.drop_table(table)
