from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntPK, TimestampMixin, UTCDateTime


class ReviewCard(TimestampMixin, Base):
    """One exercise a learner answered, as a spaced-repetition card: FSRS's state (state, step,
    stability, difficulty, last review) and the instant it is next due."""

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "exercise_id"),
        # "Due per learner": the session's cards and the menu's count are one range each.
        Index(None, "user_id", "due_at"),
        CheckConstraint("reviews >= 0", name="reviews_non_negative"),
        CheckConstraint("state BETWEEN 1 AND 3", name="state_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Indexed: an admin's change to an exercise retires its cards in one UPDATE.
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises.id", ondelete="CASCADE"), index=True
    )
    # fsrs.State: 1 learning, 2 review, 3 relearning.
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Double)
    difficulty: Mapped[float | None] = mapped_column(Double)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whether the learner's latest answer to it (in a lesson or a review) was right.
    last_right: Mapped[bool] = mapped_column(Boolean)
    # Review answers given: a review button carries the count it was shown at, so a stale or
    # repeated press is recognised and recorded once.
    reviews: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when an admin deleted or rewrote the exercise: the card is no longer asked.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReviewLog(Base):
    """One review answer: the learner's retention is the share of these answered right."""

    __tablename__ = "review_log"
    __table_args__ = (
        Index(None, "user_id", "reviewed_at"),
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    card_id: Mapped[int] = mapped_column(
        ForeignKey("review_cards.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # fsrs.Rating: 1 again (wrong), 3 good (right).
    rating: Mapped[int] = mapped_column(Integer)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
