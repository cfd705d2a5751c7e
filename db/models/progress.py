from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntPK, CreatedAtMixin, TimestampMixin, UTCDateTime, enum_type
from db.enums import ProgressStatus


class UserProgress(TimestampMixin, Base):
    __tablename__ = "user_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        Index(None, "user_id", "status"),
        Index(None, "lesson_id", "status"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        CheckConstraint("last_run >= attempts", name="last_run_covers_attempts"),
        CheckConstraint("time_spent_seconds >= 0", name="time_spent_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    status: Mapped[ProgressStatus] = mapped_column(
        enum_type(ProgressStatus, 16),
        default=ProgressStatus.NOT_STARTED,
        server_default=ProgressStatus.NOT_STARTED.value,
    )
    # Best score over all runs; NULL while no run has finished or when the lesson has no exercises.
    score: Mapped[int | None] = mapped_column(Integer)
    # Runs of the lesson's exercises started since the lesson was last reset.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Number of the latest run ever started; unlike attempts it survives a reset, so the answers
    # of runs before the reset keep their own run numbers.
    last_run: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The run whose exercises are being answered now, NULL when none is open.
    active_run: Mapped[int | None] = mapped_column(Integer)
    time_spent_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_accessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ModuleProgress(TimestampMixin, Base):
    __tablename__ = "module_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        Index(None, "module_id", "status"),
        CheckConstraint("lessons_completed >= 0", name="lessons_completed_non_negative"),
        CheckConstraint("lessons_total >= 0", name="lessons_total_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    status: Mapped[ProgressStatus] = mapped_column(
        enum_type(ProgressStatus, 16),
        default=ProgressStatus.NOT_STARTED,
        server_default=ProgressStatus.NOT_STARTED.value,
    )
    lessons_completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lessons_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExerciseAttempt(CreatedAtMixin, Base):
    """One answer to one exercise in one run; the unique key makes a double tap count once."""

    __tablename__ = "exercise_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "exercise_id", "run"),
        Index(None, "user_id", "lesson_id", "run"),
        Index(None, "exercise_id", "is_correct"),
        CheckConstraint("points_earned >= 0", name="points_earned_non_negative"),
        CheckConstraint("run >= 1", name="run_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    run: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(500))
    is_correct: Mapped[bool] = mapped_column(Boolean)
    points_earned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The update that recorded the answer: the same update delivered again (its reply was lost)
    # is answered again from this row; another press of the same button is not.
    update_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
