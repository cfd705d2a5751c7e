"""streak and reminder due times

The streak upkeep and reminder jobs find their learners by an indexed instant instead of
scanning every learner: `streak_due_at` (when the streak must next be looked at), `remind_at`
(when the next reminder is owed) and `last_reminded_on` (the learner's local day of their last
reminder, so a changed hour never brings a second one on the same day).

The right instants depend on each learner's time zone, which SQL cannot convert portably (MySQL
and MariaDB need the server's zone tables loaded; SQLite has none). So the backfill is one
set-based UPDATE per column that marks every row with something to keep as due now: the jobs'
first run computes the true instant with zoneinfo, in batches, applying the same rules as every
other write (a learner whose streak is intact only gets their instant set; a reminder whose
hour already passed today is sent by that first run, as it would have been). Rows with nothing
to keep stay NULL and are filled by their next activity or settings change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the model type: a migration must not change when the models do.
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")

users = sa.table(
    "users",
    sa.column("current_streak", sa.Integer),
    sa.column("last_active_date", sa.Date),
    sa.column("reminders_enabled", sa.Boolean),
    sa.column("reminder_hour", sa.Integer),
    sa.column("streak_due_at", UTC_DATETIME),
    sa.column("remind_at", UTC_DATETIME),
)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("streak_due_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("remind_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("last_reminded_on", sa.Date(), nullable=True))
        batch.create_index(op.f("ix_users_streak_due_at"), ["streak_due_at"])
        batch.create_index(op.f("ix_users_remind_at"), ["remind_at"])
    # Stored naive, as UTCDateTime stores every instant.
    now = datetime.now(UTC).replace(tzinfo=None)
    has_streak = sa.and_(users.c.current_streak > 0, users.c.last_active_date.is_not(None))
    op.execute(users.update().where(has_streak).values(streak_due_at=now))
    op.execute(
        users.update()
        .where(
            has_streak,
            users.c.reminders_enabled == sa.true(),
            users.c.reminder_hour.is_not(None),
        )
        .values(remind_at=now)
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index(op.f("ix_users_remind_at"))
        batch.drop_index(op.f("ix_users_streak_due_at"))
        batch.drop_column("last_reminded_on")
        batch.drop_column("remind_at")
        batch.drop_column("streak_due_at")
