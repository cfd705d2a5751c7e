"""user language

The language the bot speaks to each learner. New learners get it at registration; learners who
came before this revision get it here, from the language_code their client last sent, by the same
rule registration uses (Russian for ru, uk, be and kk clients, English otherwise), so no row is
left without one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the rule in bot/services/learners.py: a migration must not change when the
# code does.
RUSSIAN_READERS = ("ru", "uk", "be", "kk")

users = sa.table(
    "users",
    sa.column("language_code", sa.String),
    sa.column("language", sa.String),
)


def upgrade() -> None:
    op.add_column("users", sa.Column("language", sa.String(length=8), nullable=True))
    code = sa.func.lower(users.c.language_code)
    # "ru" or "ru-RU", but not another language whose code merely starts with "ru".
    russian = sa.or_(
        code.in_(RUSSIAN_READERS),
        *(code.like(f"{reader}-%") for reader in RUSSIAN_READERS),
    )
    op.execute(users.update().values(language=sa.case((russian, "ru"), else_="en")))


def downgrade() -> None:
    op.drop_column("users", "language")
