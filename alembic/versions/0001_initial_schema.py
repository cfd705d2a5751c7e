"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 19:20:23.830883
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# Frozen copies of the model types: a migration must not change when the models do.
UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('achievements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('icon', sa.String(length=16), nullable=True),
    sa.Column('points', sa.Integer(), server_default='0', nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_achievements_points_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievements')),
    sa.UniqueConstraint('code', name=op.f('uq_achievements_code'))
    )
    op.create_index(op.f('ix_achievements_type'), 'achievements', ['type'])

    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', UTC_DATETIME, nullable=False),
    sa.Column('finished_at', UTC_DATETIME, nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    op.create_index(op.f('ix_job_runs_job_started_at'), 'job_runs', ['job', 'started_at'])

    op.create_table('modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('order', sa.Integer(), server_default='0', nullable=False),
    sa.Column('is_published', sa.Boolean(), server_default=sa.text('0'), nullable=False),
    sa.Column('deleted_at', UTC_DATETIME, nullable=True),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules')),
    sa.UniqueConstraint('slug', name=op.f('uq_modules_slug'))
    )
    op.create_index(op.f('ix_modules_order'), 'modules', ['order'])

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('first_name', sa.String(length=128), nullable=True),
    sa.Column('last_name', sa.String(length=128), nullable=True),
    sa.Column('language_code', sa.String(length=16), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('reminders_enabled', sa.Boolean(), server_default=sa.text('1'), nullable=False),
    sa.Column('reminder_hour', sa.Integer(), nullable=True),
    sa.Column('current_streak', sa.Integer(), server_default='0', nullable=False),
    sa.Column('longest_streak', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_active_date', sa.Date(), nullable=True),
    sa.Column('streak_freezes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.text('1'), nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('current_streak >= 0', name=op.f('ck_users_current_streak_non_negative')),
    sa.CheckConstraint('longest_streak >= 0', name=op.f('ck_users_longest_streak_non_negative')),
    sa.CheckConstraint('streak_freezes BETWEEN 0 AND 2', name=op.f('ck_users_streak_freezes_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('telegram_id', name=op.f('uq_users_telegram_id'))
    )
    op.create_table('activity_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('xp', sa.Integer(), server_default='0', nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('xp >= 0', name=op.f('ck_activity_log_xp_non_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_log_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_log'))
    )
    op.create_index(op.f('ix_activity_log_created_at'), 'activity_log', ['created_at'])
    op.create_index(op.f('ix_activity_log_user_id_activity_type_created_at'), 'activity_log', ['user_id', 'activity_type', 'created_at'])
    op.create_index(op.f('ix_activity_log_user_id_entity_type_entity_id'), 'activity_log', ['user_id', 'entity_type', 'entity_id'])

    op.create_table('leaderboard_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('total_score', sa.Integer(), server_default='0', nullable=False),
    sa.Column('lessons_completed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('achievements_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('total_score >= 0', name=op.f('ck_leaderboard_cache_total_score_non_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_leaderboard_cache_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leaderboard_cache')),
    sa.UniqueConstraint('period', 'user_id', name=op.f('uq_leaderboard_cache_period_user_id'))
    )
    op.create_index(op.f('ix_leaderboard_cache_period_position'), 'leaderboard_cache', ['period', 'position'])
    op.create_index(op.f('ix_leaderboard_cache_period_rank'), 'leaderboard_cache', ['period', 'rank'])
    op.create_index(op.f('ix_leaderboard_cache_user_id'), 'leaderboard_cache', ['user_id'])

    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql'), nullable=False),
    sa.Column('order', sa.Integer(), server_default='0', nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=True),
    sa.Column('xp', sa.Integer(), server_default='10', nullable=False),
    sa.Column('pass_score', sa.Integer(), server_default='70', nullable=False),
    sa.Column('is_published', sa.Boolean(), server_default=sa.text('0'), nullable=False),
    sa.Column('deleted_at', UTC_DATETIME, nullable=True),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('estimated_minutes >= 0', name=op.f('ck_lessons_estimated_minutes_non_negative')),
    sa.CheckConstraint('pass_score BETWEEN 0 AND 100', name=op.f('ck_lessons_pass_score_range')),
    sa.CheckConstraint('xp >= 0', name=op.f('ck_lessons_xp_non_negative')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_lessons_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons')),
    sa.UniqueConstraint('module_id', 'slug', name=op.f('uq_lessons_module_id_slug'))
    )
    op.create_index(op.f('ix_lessons_module_id_order'), 'lessons', ['module_id', 'order'])

    op.create_table('module_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='NOT_STARTED', nullable=False),
    sa.Column('lessons_completed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('lessons_total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('started_at', UTC_DATETIME, nullable=True),
    sa.Column('completed_at', UTC_DATETIME, nullable=True),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('lessons_completed >= 0', name=op.f('ck_module_progress_lessons_completed_non_negative')),
    sa.CheckConstraint('lessons_total >= 0', name=op.f('ck_module_progress_lessons_total_non_negative')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_progress_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_progress_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_progress')),
    sa.UniqueConstraint('user_id', 'module_id', name=op.f('uq_module_progress_user_id_module_id'))
    )
    op.create_index(op.f('ix_module_progress_module_id_status'), 'module_progress', ['module_id', 'status'])

    op.create_table('user_achievements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('earned_at', UTC_DATETIME, nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_user_achievements_achievement_id_achievements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_achievements_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_achievements')),
    sa.UniqueConstraint('user_id', 'achievement_id', name=op.f('uq_user_achievements_user_id_achievement_id'))
    )
    op.create_index(op.f('ix_user_achievements_achievement_id'), 'user_achievements', ['achievement_id'])
    op.create_index(op.f('ix_user_achievements_user_id_earned_at'), 'user_achievements', ['user_id', 'earned_at'])

    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('started_at', UTC_DATETIME, nullable=True),
    sa.Column('finished_at', UTC_DATETIME, nullable=True),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_broadcasts_lesson_id_lessons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts'))
    )
    op.create_index(op.f('ix_broadcasts_lesson_id'), 'broadcasts', ['lesson_id'])
    op.create_index(op.f('ix_broadcasts_status_created_at'), 'broadcasts', ['status', 'created_at'])

    op.create_table('exercises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('order', sa.Integer(), server_default='0', nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('options', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('points', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_exercises_points_non_negative')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_exercises_lesson_id_lessons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises'))
    )
    op.create_index(op.f('ix_exercises_lesson_id_order'), 'exercises', ['lesson_id', 'order'])

    op.create_table('user_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='NOT_STARTED', nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_run', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active_run', sa.Integer(), nullable=True),
    sa.Column('time_spent_seconds', sa.Integer(), server_default='0', nullable=False),
    sa.Column('started_at', UTC_DATETIME, nullable=True),
    sa.Column('last_accessed_at', UTC_DATETIME, nullable=True),
    sa.Column('completed_at', UTC_DATETIME, nullable=True),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_user_progress_attempts_non_negative')),
    sa.CheckConstraint('last_run >= attempts', name=op.f('ck_user_progress_last_run_covers_attempts')),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_user_progress_score_range')),
    sa.CheckConstraint('time_spent_seconds >= 0', name=op.f('ck_user_progress_time_spent_non_negative')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_user_progress_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_progress_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_progress')),
    sa.UniqueConstraint('user_id', 'lesson_id', name=op.f('uq_user_progress_user_id_lesson_id'))
    )
    op.create_index(op.f('ix_user_progress_lesson_id_status'), 'user_progress', ['lesson_id', 'status'])
    op.create_index(op.f('ix_user_progress_user_id_status'), 'user_progress', ['user_id', 'status'])

    op.create_table('broadcast_deliveries',
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.String(length=255), nullable=True),
    sa.Column('sent_at', UTC_DATETIME, nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_broadcast_deliveries_attempts_non_negative')),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_deliveries_broadcast_id_broadcasts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_broadcast_deliveries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('broadcast_id', 'user_id', name=op.f('pk_broadcast_deliveries'))
    )
    op.create_index(op.f('ix_broadcast_deliveries_status_broadcast_id'), 'broadcast_deliveries', ['status', 'broadcast_id'])
    op.create_index(op.f('ix_broadcast_deliveries_user_id'), 'broadcast_deliveries', ['user_id'])

    op.create_table('exercise_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=500), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('points_earned', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.CheckConstraint('points_earned >= 0', name=op.f('ck_exercise_attempts_points_earned_non_negative')),
    sa.CheckConstraint('run >= 1', name=op.f('ck_exercise_attempts_run_positive')),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_exercise_attempts_exercise_id_exercises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_exercise_attempts_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exercise_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_attempts')),
    sa.UniqueConstraint('user_id', 'exercise_id', 'run', name=op.f('uq_exercise_attempts_user_id_exercise_id_run'))
    )
    op.create_index(op.f('ix_exercise_attempts_exercise_id_is_correct'), 'exercise_attempts', ['exercise_id', 'is_correct'])
    op.create_index(op.f('ix_exercise_attempts_lesson_id'), 'exercise_attempts', ['lesson_id'])
    op.create_index(op.f('ix_exercise_attempts_user_id_lesson_id_run'), 'exercise_attempts', ['user_id', 'lesson_id', 'run'])



def downgrade() -> None:
    op.drop_table('exercise_attempts')
    op.drop_table('broadcast_deliveries')
    op.drop_table('user_progress')
    op.drop_table('exercises')
    op.drop_table('broadcasts')
    op.drop_table('user_achievements')
    op.drop_table('module_progress')
    op.drop_table('lessons')
    op.drop_table('leaderboard_cache')
    op.drop_table('activity_log')
    op.drop_table('users')
    op.drop_table('modules')
    op.drop_table('job_runs')
    op.drop_table('achievements')
