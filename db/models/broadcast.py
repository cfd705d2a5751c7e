from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin, UTCDateTime, enum_type
from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus


class Broadcast(CreatedAtMixin, Base):
    """One push to many learners: an admin's message, a lesson announcement, a reminder run."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index(None, "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[BroadcastKind] = mapped_column(
        enum_type(BroadcastKind, 16),
        default=BroadcastKind.COPY,
        server_default=BroadcastKind.COPY.value,
    )
    # Telegram id of the admin who pushed it (admins need not be learners); NULL for the
    # scheduler's own pushes.
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    # COPY: the admin's chat and message that each recipient gets a copy of.
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The lesson being pushed, if any: deliveries then carry an "Open lesson" button.
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[BroadcastStatus] = mapped_column(
        enum_type(BroadcastStatus, 16),
        default=BroadcastStatus.PENDING,
        server_default=BroadcastStatus.PENDING.value,
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its admin was told it finished: set by one statement, so only one process tells.
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BroadcastDelivery(Base):
    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        Index(None, "status", "broadcast_id"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_type(DeliveryStatus, 16),
        default=DeliveryStatus.PENDING,
        server_default=DeliveryStatus.PENDING.value,
    )
    # What this recipient's message is about when it differs per recipient (NOTICE: which).
    payload: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A sender's claim: taken before the message is sent, cleared when the outcome is written.
    claimed_by: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A retry after an error waits until then.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SendPace(Base):
    """The broadcast pace shared by every sending process: one row holding the next free send
    slot (seconds since the epoch). A sender reserves slots by pushing it forward in one
    UPDATE, so BROADCAST_RATE holds for all processes together; a 429 pushes it past the
    pause, so every process waits."""

    __tablename__ = "send_pace"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    next_slot: Mapped[float] = mapped_column(Double)
