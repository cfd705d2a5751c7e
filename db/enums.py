"""Enumerations shared by models, repositories and services (stored as portable VARCHARs)."""

from __future__ import annotations

import enum


class ProgressStatus(enum.StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class ExerciseType(enum.StrEnum):
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"


class AchievementType(enum.StrEnum):
    LESSON_COMPLETED = "LESSON_COMPLETED"
    MODULE_COMPLETED = "MODULE_COMPLETED"
    STREAK = "STREAK"
    CHALLENGES_SOLVED = "CHALLENGES_SOLVED"
    MILESTONE = "MILESTONE"


class ActivityType(enum.StrEnum):
    LESSON_STARTED = "LESSON_STARTED"
    LESSON_COMPLETED = "LESSON_COMPLETED"
    # A completed lesson's best score went up; carries the extra XP.
    SCORE_IMPROVED = "SCORE_IMPROVED"
    # Written for each answer by earlier versions, no longer: ledgers keep such rows, and the
    # column reads only the values named here.
    CHALLENGE_ATTEMPTED = "CHALLENGE_ATTEMPTED"
    CHALLENGE_SOLVED = "CHALLENGE_SOLVED"
    ACHIEVEMENT_EARNED = "ACHIEVEMENT_EARNED"
    LOGIN = "LOGIN"
    # A review session finished; the first of a local day carries the day's review XP.
    REVIEW_SESSION = "REVIEW_SESSION"


class LeaderboardPeriod(enum.StrEnum):
    ALL_TIME = "all_time"
    WEEKLY = "weekly"


class BroadcastKind(enum.StrEnum):
    """What a broadcast's deliveries carry, and so how the sender renders each one."""

    # An admin's message copied to every recipient (copyMessage of source chat and message).
    COPY = "copy"
    # An admin's text (/broadcast followed by it), sent as a message of its own, plain text.
    TEXT = "text"
    # A lesson announcement: the broadcast's text with a "Start lesson" button.
    LESSON = "lesson"
    # The daily reminder, rendered per learner (language, streak) when it is sent.
    REMINDER = "reminder"
    # A per-learner notice (e.g. a streak achievement); the delivery's payload says which.
    NOTICE = "notice"


class BroadcastStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    # Claimed by a sender (claimed_by, claimed_at) and not yet confirmed.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    # The broadcast was cancelled before this delivery was sent.
    CANCELLED = "cancelled"


class JobStatus(enum.StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"
