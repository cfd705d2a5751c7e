from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, enum_type, utcnow
from db.enums import LeaderboardPeriod


class LeaderboardEntry(Base):
    __tablename__ = "leaderboard_cache"
    __table_args__ = (
        UniqueConstraint("period", "user_id"),
        Index(None, "period", "rank"),
        Index(None, "period", "position"),
        CheckConstraint("total_score >= 0", name="total_score_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[LeaderboardPeriod] = mapped_column(enum_type(LeaderboardPeriod, 16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Ties share a rank; position is the unique 1..n order used for paging.
    rank: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    total_score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lessons_completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    achievements_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
