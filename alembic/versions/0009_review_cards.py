"""review cards and their log

Every exercise a learner has answered becomes a review card, scheduled by FSRS: `review_cards`
holds one card per (learner, exercise) with the scheduler's state and the instant it is next
due (indexed per learner, for "due now" and "how many due"); `review_log` one row per review
answer, for the learner's retention. Both go with the learner (ON DELETE CASCADE). A card whose
exercise an admin deleted or rewrote is retired (`retired_at`), not deleted: its history stays
until the learner's data goes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the model type: a migration must not change when the models do.
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "review_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Double(), nullable=True),
        sa.Column("difficulty", sa.Double(), nullable=True),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("last_review_at", UTC_DATETIME, nullable=True),
        sa.Column("last_right", sa.Boolean(), nullable=False),
        sa.Column("reviews", sa.Integer(), server_default="0", nullable=False),
        sa.Column("retired_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("reviews >= 0", name=op.f("ck_review_cards_reviews_non_negative")),
        sa.CheckConstraint("state BETWEEN 1 AND 3", name=op.f("ck_review_cards_state_range")),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercises.id"],
            name=op.f("fk_review_cards_exercise_id_exercises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_cards_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cards")),
        sa.UniqueConstraint(
            "user_id", "exercise_id", name=op.f("uq_review_cards_user_id_exercise_id")
        ),
    )
    op.create_index(
        op.f("ix_review_cards_user_id_due_at"), "review_cards", ["user_id", "due_at"]
    )
    op.create_index(op.f("ix_review_cards_exercise_id"), "review_cards", ["exercise_id"])
    op.create_table(
        "review_log",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name=op.f("ck_review_log_rating_range")),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["review_cards.id"],
            name=op.f("fk_review_log_card_id_review_cards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_review_log_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_log")),
    )
    op.create_index(op.f("ix_review_log_card_id"), "review_log", ["card_id"])
    op.create_index(
        op.f("ix_review_log_user_id_reviewed_at"), "review_log", ["user_id", "reviewed_at"]
    )


def downgrade() -> None:
    op.drop_table("review_log")
    op.drop_table("review_cards")
