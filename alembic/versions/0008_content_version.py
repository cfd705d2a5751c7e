"""content version kept by the database

Every process holds the published course in memory and reloads it when the content changed.
It used to notice a change by `updated_at`, which only the ORM stamps: an operator's plain SQL
(`UPDATE lessons SET is_published = 0`) never reached learners. Now triggers on every INSERT,
UPDATE and DELETE of `modules`, `lessons` and `exercises` move a counter in the one-row table
`content_version`, however the change was made; the catalog reads that one row.

A counter rather than a server-stamped timestamp: it moves on deletes too, and twice for two
changes in the same second. The triggers upsert the row, so a deleted row comes back at the next
change instead of freezing the catalog. Each writing transaction holds the row's lock until it
commits, so on MySQL writers of content take turns (an admin's edit waits for an import running in
another process); learners never write content, so they never wait for it. MySQL runs no trigger
for TRUNCATE or for a foreign key's cascade (the parent's own delete moves the counter).

MySQL/MariaDB with binary logging on: creating a trigger needs SUPER (MariaDB 10.5+: BINLOG
ADMIN) or `log_bin_trust_function_creators = 1` on the server, besides the TRIGGER privilege.
Without them the server refuses with error 1419; MySQL's DDL is not transactional, so the upgrade
drops what it had created before it fails, and it can simply be run again once that is granted.

SQLite drops a table's triggers with the table, and Alembic's batch mode rebuilds a table by
copying it: a later migration that alters one of these three tables in batch mode on SQLite must
create its triggers again (tests/migrations checks that they exist at head).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("modules", "lessons", "exercises")
EVENTS = ("insert", "update", "delete")

# One statement, as both dialects allow in a trigger body without a delimiter change.
BUMP = {
    "sqlite": (
        "INSERT INTO content_version (id, version) VALUES (1, 1) "
        "ON CONFLICT (id) DO UPDATE SET version = version + 1"
    ),
    "mysql": (
        "INSERT INTO content_version (id, version) VALUES (1, 1) "
        "ON DUPLICATE KEY UPDATE version = version + 1"
    ),
}


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_content_version_{event}"


def _dialect() -> str:
    name = op.get_bind().dialect.name
    # SQLAlchemy names a mariadb:// URL's dialect "mariadb"; its SQL is MySQL's.
    name = "mysql" if name == "mariadb" else name
    if name not in BUMP:
        raise NotImplementedError(f"content version triggers are written for {sorted(BUMP)}")
    return name


def upgrade() -> None:
    dialect = _dialect()
    op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    op.execute("INSERT INTO content_version (id, version) VALUES (1, 0)")
    created: list[str] = []
    try:
        for table in TABLES:
            for event in EVENTS:
                op.execute(_create_trigger(dialect, table, event))
                created.append(_trigger_name(table, event))
    except Exception:
        # Only what this run made, so a user refused the privilege can undo it too.
        for name in created:
            op.execute(f"DROP TRIGGER {name}")
        op.drop_table("content_version")
        raise


def downgrade() -> None:
    for table in TABLES:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}")
    op.drop_table("content_version")


def _create_trigger(dialect: str, table: str, event: str) -> str:
    head = f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event.upper()} ON {table}"
    if dialect == "sqlite":
        return f"{head} BEGIN {BUMP[dialect]}; END"
    return f"{head} FOR EACH ROW {BUMP[dialect]}"
