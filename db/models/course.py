from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONText, TimestampMixin, UTCDateTime, enum_type
from db.enums import ExerciseType

# Lesson texts may outgrow MySQL's 64 KiB TEXT.
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


class Module(TimestampMixin, Base):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Lesson(TimestampMixin, Base):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        Index(None, "module_id", "order"),
        CheckConstraint("xp >= 0", name="xp_non_negative"),
        CheckConstraint("pass_score BETWEEN 0 AND 100", name="pass_score_range"),
        CheckConstraint("estimated_minutes >= 0", name="estimated_minutes_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(LongText, default="")
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    estimated_minutes: Mapped[int | None] = mapped_column(Integer)
    xp: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    pass_score: Mapped[int] = mapped_column(Integer, default=70, server_default="70")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Exercise(TimestampMixin, Base):
    """One question of a lesson (the original schema calls these challenges)."""

    __tablename__ = "exercises"
    __table_args__ = (
        Index(None, "lesson_id", "order"),
        CheckConstraint("points >= 0", name="points_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    type: Mapped[ExerciseType] = mapped_column(enum_type(ExerciseType))
    prompt: Mapped[str] = mapped_column(Text)
    # multiple_choice: the option texts; other types: NULL.
    options: Mapped[list[str] | None] = mapped_column(JSONText)
    # multiple_choice: the right option's text; true_false: a bool; short_answer: accepted texts,
    # or {"answers": [...], "case_sensitive": true} when case matters (content/spec.py).
    answer: Mapped[Any] = mapped_column(JSONText)
    explanation: Mapped[str | None] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ContentVersion(Base):
    """The one row (id 1) counting changes to modules, lessons and exercises. Database triggers
    (migration 0008) move it on every INSERT, UPDATE and DELETE of those tables, whatever made
    the change (the chat, the CLI, an operator's SQL), so no code writes it."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
