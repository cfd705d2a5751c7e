from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntPK, CreatedAtMixin, JSONText, enum_type
from db.enums import ActivityType


class ActivityLog(CreatedAtMixin, Base):
    """Append-only: what a learner did, and the XP ledger (a grant is a row with xp > 0)."""

    __tablename__ = "activity_log"
    __table_args__ = (
        Index(None, "user_id", "activity_type", "created_at"),
        Index(None, "created_at"),
        Index(None, "user_id", "entity_type", "entity_id"),
        CheckConstraint("xp >= 0", name="xp_non_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity_type: Mapped[ActivityType] = mapped_column(enum_type(ActivityType))
    entity_type: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    xp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
