"""leaderboard generations

The rebuild writes a new generation of the board beside the one readers see and switches
`leaderboard_state.generation` in one transaction. The cache's keys include the generation, so
a reader's lookups (the top by generation, period and position; a learner by user id, period
and generation) stay indexed and never touch the rows of another generation. Every index is
paid for on each rebuild, so there are two: the unique key leads with user_id and serves the
foreign key too (its own index goes), and the (period, rank) index goes, as no reader looks
rows up by rank. Rows already in the cache are generation 0, which is what readers see while
the state has no row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the model type: a migration must not change when the models do.
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")


def upgrade() -> None:
    op.create_table(
        "leaderboard_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("built_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaderboard_state")),
    )
    with op.batch_alter_table("leaderboard_cache") as batch:
        batch.add_column(
            sa.Column("generation", sa.Integer(), server_default="0", nullable=False)
        )
        # Created before the user_id index goes: MySQL keeps an index for the foreign key.
        batch.create_unique_constraint(
            op.f("uq_leaderboard_cache_user_id_period_generation"),
            ["user_id", "period", "generation"],
        )
        batch.drop_constraint(op.f("uq_leaderboard_cache_period_user_id"), type_="unique")
        batch.drop_index(op.f("ix_leaderboard_cache_user_id"))
        batch.drop_index(op.f("ix_leaderboard_cache_period_rank"))
        batch.drop_index(op.f("ix_leaderboard_cache_period_position"))
        batch.create_index(
            op.f("ix_leaderboard_cache_generation_period_position"),
            ["generation", "period", "position"],
        )


def downgrade() -> None:
    # Only the generation readers see survives: the old keys allow one row per learner.
    op.execute(
        "DELETE FROM leaderboard_cache WHERE generation <> "
        "COALESCE((SELECT generation FROM leaderboard_state WHERE id = 1), 0)"
    )
    with op.batch_alter_table("leaderboard_cache") as batch:
        batch.drop_index(op.f("ix_leaderboard_cache_generation_period_position"))
        batch.create_index(op.f("ix_leaderboard_cache_user_id"), ["user_id"])
        batch.create_index(op.f("ix_leaderboard_cache_period_rank"), ["period", "rank"])
        batch.create_index(op.f("ix_leaderboard_cache_period_position"), ["period", "position"])
        batch.create_unique_constraint(
            op.f("uq_leaderboard_cache_period_user_id"), ["period", "user_id"]
        )
        batch.drop_constraint(
            op.f("uq_leaderboard_cache_user_id_period_generation"), type_="unique"
        )
        batch.drop_column("generation")
    op.drop_table("leaderboard_state")
