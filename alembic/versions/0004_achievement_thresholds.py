"""achievement thresholds

The catalogue of 0002 was written before the motivation rules were settled. This brings it to
them: lessons completed 1, 5, 25 and 100; exercises solved 10, 50 and 200; XP 100, 1,000 and
5,000; streaks of 3, 7, 30 and 100 days (first try, perfect score and the module counts stay).
Rows are matched by code, so the ids of the rows that stay, and whatever learners earned of
them, are kept. Nothing awarded achievements before this revision, so the rows it removes
(solved_100, xp_500) are held by nobody; on downgrade the rows it added go, and with them
whatever learners earned of those (a downgrade takes the rules that award them away too).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (code, type, title, description, icon, points, criteria): frozen copies, as a migration
# must not change when the code does.
ADDED = [
    ("lessons_100", "LESSON_COMPLETED", "Scholar", "Complete 100 lessons.", "🎖", 250, {"lessons": 100}),
    ("solved_200", "CHALLENGES_SOLVED", "Double centurion", "Solve 200 exercises.", "💪", 150, {"exercises": 200}),
    ("xp_5000", "MILESTONE", "Galaxy", "Earn 5,000 XP.", "🌌", 0, {"xp": 5000}),
    ("streak_100", "STREAK", "Legend", "Learn 100 days in a row.", "👑", 400, {"days": 100}),
]
REMOVED = [
    ("solved_100", "CHALLENGES_SOLVED", "Centurion", "Solve 100 exercises.", "💪", 100, {"exercises": 100}),
    ("xp_500", "MILESTONE", "Shining star", "Earn 500 XP.", "🌟", 0, {"xp": 500}),
]
# The 0002 row whose words change with the thresholds around it: (code, before, after).
RETITLED = [("xp_1000", "Earn 1000 XP.", "Earn 1,000 XP.")]

achievements = sa.table(
    "achievements",
    sa.column("code", sa.String),
    sa.column("type", sa.String),
    sa.column("title", sa.String),
    sa.column("description", sa.Text),
    sa.column("icon", sa.String),
    sa.column("points", sa.Integer),
    sa.column("criteria", sa.Text),
    sa.column("created_at", sa.DateTime),
)


def _insert(rows: list[tuple[str, str, str, str, str, int, dict[str, object]]]) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        achievements,
        [
            {
                "code": code,
                "type": type_,
                "title": title,
                "description": description,
                "icon": icon,
                "points": points,
                "criteria": json.dumps(criteria),
                "created_at": now,
            }
            for code, type_, title, description, icon, points, criteria in rows
        ],
    )


def _delete(rows: list[tuple[str, str, str, str, str, int, dict[str, object]]]) -> None:
    codes = [row[0] for row in rows]
    op.execute(achievements.delete().where(achievements.c.code.in_(codes)))


def _describe(pairs: list[tuple[str, str]]) -> None:
    for code, description in pairs:
        op.execute(
            achievements.update()
            .where(achievements.c.code == code)
            .values(description=description)
        )


def upgrade() -> None:
    _delete(REMOVED)
    _insert(ADDED)
    _describe([(code, after) for code, _before, after in RETITLED])


def downgrade() -> None:
    _describe([(code, before) for code, before, _after in RETITLED])
    _delete(ADDED)
    _insert(REMOVED)
