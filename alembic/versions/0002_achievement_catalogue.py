"""achievement catalogue

The catalogue is data the code relies on (award rules look achievements up by code), so it ships
with the schema: after `learnbot db upgrade` it is there, and a downgrade takes it away again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:30:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (code, type, title, description, icon, points, criteria)
CATALOGUE = [
    ("first_lesson", "LESSON_COMPLETED", "First steps", "Complete your first lesson.", "🎓", 10, {"lessons": 1}),
    ("lessons_5", "LESSON_COMPLETED", "Keen learner", "Complete 5 lessons.", "📚", 25, {"lessons": 5}),
    ("lessons_25", "LESSON_COMPLETED", "Bookworm", "Complete 25 lessons.", "🏛", 100, {"lessons": 25}),
    ("first_try", "LESSON_COMPLETED", "First try", "Pass a lesson on your first run.", "🎯", 10, {"first_try": True}),
    ("perfect_score", "LESSON_COMPLETED", "Flawless", "Score 100% on a lesson.", "💯", 15, {"perfect_score": True}),
    ("module_1", "MODULE_COMPLETED", "Module master", "Complete a whole module.", "🏅", 30, {"modules": 1}),
    ("modules_3", "MODULE_COMPLETED", "Course climber", "Complete 3 modules.", "🏆", 75, {"modules": 3}),
    ("streak_3", "STREAK", "On a roll", "Learn 3 days in a row.", "🔥", 15, {"days": 3}),
    ("streak_7", "STREAK", "Week warrior", "Learn 7 days in a row.", "⚡", 40, {"days": 7}),
    ("streak_30", "STREAK", "Unstoppable", "Learn 30 days in a row.", "🌋", 150, {"days": 30}),
    ("solved_10", "CHALLENGES_SOLVED", "Problem solver", "Solve 10 exercises.", "🧩", 15, {"exercises": 10}),
    ("solved_50", "CHALLENGES_SOLVED", "Puzzle hunter", "Solve 50 exercises.", "🧠", 50, {"exercises": 50}),
    ("solved_100", "CHALLENGES_SOLVED", "Centurion", "Solve 100 exercises.", "💪", 100, {"exercises": 100}),
    ("xp_100", "MILESTONE", "Rising star", "Earn 100 XP.", "⭐", 0, {"xp": 100}),
    ("xp_500", "MILESTONE", "Shining star", "Earn 500 XP.", "🌟", 0, {"xp": 500}),
    ("xp_1000", "MILESTONE", "Supernova", "Earn 1000 XP.", "💫", 0, {"xp": 1000}),
]

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


def upgrade() -> None:
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
            for code, type_, title, description, icon, points, criteria in CATALOGUE
        ],
    )


def downgrade() -> None:
    codes = [row[0] for row in CATALOGUE]
    op.execute(achievements.delete().where(achievements.c.code.in_(codes)))
