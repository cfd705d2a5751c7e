"""outbox and job runs

What the broadcast sender and the scheduler need beyond 0001's tables. A broadcast gets a kind
(an admin's copied message, a lesson announcement, a reminder run, a per-learner notice) and the
source message a copy is made of, and when its admin was told it finished. A delivery gets a
per-recipient payload, a sender's claim (who, since when) and the time its next retry is due. A
job run gets the period it covers, unique per job so a periodic job runs once per period, and
the rows it touched. `send_pace` holds the next free send slot that every sending process
reserves from, so the broadcast rate holds for all of them together. Existing broadcasts (none are written before this revision) become copies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the model type: a migration must not change when the models do.
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="copy", nullable=False)
        )
        batch.add_column(sa.Column("source_chat_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("source_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("reported_at", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("broadcast_deliveries") as batch:
        batch.add_column(sa.Column("payload", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("claimed_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("next_attempt_at", UTC_DATETIME, nullable=True))
    op.create_table(
        "send_pace",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("next_slot", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_pace")),
    )
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("period_key", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("rows", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_job_runs_job_period_key"), ["job", "period_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_constraint(op.f("uq_job_runs_job_period_key"), type_="unique")
        batch.drop_column("rows")
        batch.drop_column("period_key")
    op.drop_table("send_pace")
    with op.batch_alter_table("broadcast_deliveries") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
        batch.drop_column("payload")
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("reported_at")
        batch.drop_column("source_message_id")
        batch.drop_column("source_chat_id")
        batch.drop_column("kind")
