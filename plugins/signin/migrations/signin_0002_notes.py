"""Sign-in notes (学习打卡): what a member wrote with the day's sign-in.

Revision ID: signin_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "signin_0002"
down_revision = "signin_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("signin_record", sa.Column("note", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signin_record") as batch:
        batch.drop_column("note")
