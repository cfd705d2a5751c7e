"""Every model, imported so that `Base.metadata` knows all tables (Alembic reads it from here)."""

from db.base import Base
from db.models.achievement import Achievement, UserAchievement
from db.models.activity import ActivityLog
from db.models.broadcast import Broadcast, BroadcastDelivery, SendPace
from db.models.course import ContentVersion, Exercise, Lesson, Module
from db.models.job import JobRun
from db.models.leaderboard import LeaderboardEntry, LeaderboardState
from db.models.progress import ExerciseAttempt, ModuleProgress, UserProgress
from db.models.review import ReviewCard, ReviewLog
from db.models.user import User

__all__ = [
    "Achievement",
    "ActivityLog",
    "Base",
    "Broadcast",
    "BroadcastDelivery",
    "ContentVersion",
    "Exercise",
    "ExerciseAttempt",
    "JobRun",
    "LeaderboardEntry",
    "LeaderboardState",
    "Lesson",
    "Module",
    "ModuleProgress",
    "ReviewCard",
    "ReviewLog",
    "SendPace",
    "User",
    "UserAchievement",
    "UserProgress",
]
