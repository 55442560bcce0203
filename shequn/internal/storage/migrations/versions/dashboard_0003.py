"""One-time login codes die after a few wrong tries: each code gets a selector (its first
letters, unique among live codes) and a count of wrong tries. Codes live ten minutes, so the
table is made again rather than altered: a code pending during the upgrade is asked again.

Revision ID: dashboard_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "dashboard_0003"
down_revision = "dashboard_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("dashboard_login_code")
    op.create_table(
        "dashboard_login_code",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("selector", sa.String(8), nullable=False, unique=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("dashboard_login_code")
    op.create_table(
        "dashboard_login_code",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
