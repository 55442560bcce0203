"""Shop items, redemption codes, orders and per-member quotas.

Revision ID: shop_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "shop_0001"
down_revision = None
branch_labels = ("shop",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "shop_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("name_key", sa.String(40), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("cost", sa.Integer, nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.Column("per_member", sa.Integer, nullable=False),
        sa.Column("uses_codes", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("community", "name_key", name="uq_shop_item_name"),
    )
    op.create_table(
        "shop_code",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("order_id", sa.Integer, nullable=True),
        sa.UniqueConstraint("item_id", "code", name="uq_shop_code"),
    )
    op.create_index("ix_shop_code_item_id", "shop_code", ["item_id"])
    op.create_table(
        "shop_order",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(300), nullable=False, unique=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("cost", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("code", sa.String(200), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_shop_order_community_state", "shop_order", ["community", "state"])
    op.create_index("ix_shop_order_person", "shop_order", ["person"])
    op.create_table(
        "shop_quota",
        sa.Column("item_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shop_quota")
    op.drop_index("ix_shop_order_person", table_name="shop_order")
    op.drop_index("ix_shop_order_community_state", table_name="shop_order")
    op.drop_table("shop_order")
    op.drop_index("ix_shop_code_item_id", table_name="shop_code")
    op.drop_table("shop_code")
    op.drop_table("shop_item")
