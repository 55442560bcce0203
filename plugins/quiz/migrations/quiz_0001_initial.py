"""Quiz tables: questions, rounds, the running round per group, asked questions, answers
and scores.

Revision ID: quiz_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "quiz_0001"
down_revision = None
branch_labels = ("quiz",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "quiz_question",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("bank", sa.String(100), nullable=False),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("difficulty", sa.Integer, nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("hint", sa.Text, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_quiz_question_lang_category", "quiz_question", ["lang", "category"])
    op.create_table(
        "quiz_round",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("started_by", sa.String(200), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("ended_at", sa.Float, nullable=True),
    )
    op.create_index("ix_quiz_round_group_key", "quiz_round", ["group_key"])
    op.create_table(
        "quiz_active",
        sa.Column("group_key", sa.String(200), primary_key=True),
        sa.Column("round_id", sa.Integer, nullable=False),
    )
    op.create_table(
        "quiz_ask",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("question_id", sa.Integer, nullable=False),
        sa.Column("asked_at", sa.Float, nullable=False),
        sa.Column("deadline", sa.Float, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("winner", sa.String(200), nullable=True),
        sa.UniqueConstraint("round_id", "position"),
    )
    op.create_index("ix_quiz_ask_round_id", "quiz_ask", ["round_id"])
    op.create_table(
        "quiz_answer",
        sa.Column("ask_id", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("choice", sa.Integer, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("answered_at", sa.Float, nullable=False),
    )
    op.create_table(
        "quiz_score",
        sa.Column("ask_id", sa.Integer, primary_key=True),
        sa.Column("round_id", sa.Integer, nullable=False),
        sa.Column("community", sa.String(200), nullable=False),
        sa.Column("season", sa.String(10), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("scored_at", sa.Float, nullable=False),
    )
    op.create_index("ix_quiz_score_round_id", "quiz_score", ["round_id"])
    op.create_index("ix_quiz_score_community_season", "quiz_score", ["community", "season"])


def downgrade() -> None:
    for table in ("quiz_score", "quiz_answer", "quiz_ask", "quiz_active", "quiz_round"):
        op.drop_table(table)
    op.drop_table("quiz_question")
