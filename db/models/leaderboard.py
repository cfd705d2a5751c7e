from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, enum_type, utcnow
from db.enums import LeaderboardPeriod


class LeaderboardEntry(Base):
    """One learner's row on one period's board, in one generation of the board.

    The rebuild writes a whole new generation beside the current one and then switches
    `LeaderboardState.generation` in one transaction, so readers (who filter on the current
    generation) see the old board or the new one, never a half-built one.
    """

    __tablename__ = "leaderboard_cache"
    __table_args__ = (
        # Leads with user_id so that it is also the index the foreign key needs: every index
        # is paid for on each rebuild. A learner's lookup gives all three columns.
        UniqueConstraint("user_id", "period", "generation"),
        # The top of a board, and the rebuild's deletion of a replaced generation.
        Index(None, "generation", "period", "position"),
        CheckConstraint("total_score >= 0", name="total_score_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    period: Mapped[LeaderboardPeriod] = mapped_column(enum_type(LeaderboardPeriod, 16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Ties share a rank; position is the unique 1..n order used for paging.
    rank: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    total_score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lessons_completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    achievements_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LeaderboardState(Base):
    """The one row (id 1) naming the generation of `leaderboard_cache` readers see. No row yet:
    generation 0."""

    __tablename__ = "leaderboard_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
