"""Core tables: identity, communities, switches, settings, ledger, balances, jobs.

Revision ID: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_account",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("person", sa.String(200), nullable=False, index=True),
        sa.Column("linked_at", sa.Float, nullable=False),
    )
    op.create_table(
        "core_profile",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "core_link_code",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "core_community",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "core_community_group",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("community", sa.String(200), nullable=False, index=True),
    )
    op.create_table(
        "core_plugin_switch",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("plugin", sa.String(100), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
    )
    op.create_table(
        "core_group_setting",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("plugin", sa.String(100), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "core_ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("plugin", sa.String(100), nullable=False),
        sa.Column("idem_key", sa.String(300), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_core_ledger_person", "core_ledger", ["person", "community"])
    op.create_table(
        "core_balance",
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("community", sa.String(200), primary_key=True),
        sa.Column("balance", sa.BigInteger, nullable=False, server_default="0"),
        sa.CheckConstraint("balance >= 0", name="ck_core_balance_non_negative"),
    )
    op.create_index("ix_core_balance_rank", "core_balance", ["community", "balance"])
    op.create_table(
        "core_job",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("plugin", sa.String(100), nullable=False),
        sa.Column("job", sa.String(100), nullable=False),
        sa.Column("due_at", sa.Float, nullable=False),
        sa.Column("payload", sa.Text, nullable=False, server_default="{}"),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("lease_until", sa.Float, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("finished_at", sa.Float, nullable=True),
        sa.Column("error", sa.String(2000), nullable=True),
        sa.UniqueConstraint("key", name="uq_core_job_key"),
    )
    op.create_index("ix_core_job_due", "core_job", ["status", "due_at"])


def downgrade() -> None:
    for table in (
        "core_job",
        "core_balance",
        "core_ledger",
        "core_group_setting",
        "core_plugin_switch",
        "core_community_group",
        "core_community",
        "core_link_code",
        "core_profile",
        "core_account",
    ):
        op.drop_table(table)
