"""the update that recorded an answer

An answer is committed before its reply is sent, so when the Bot API fails (or the process dies)
in between, Telegram delivers the same update again and finds the answer already recorded. To
tell that redelivery, which still owes the learner the answer's feedback, from a second press of
the same button, whose first press got it, each attempt keeps the id of the update that recorded
it. NULL for answers recorded before this column existed: they are never answered again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("exercise_attempts", sa.Column("update_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exercise_attempts") as batch:
        batch.drop_column("update_id")
