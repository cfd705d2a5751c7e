from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, TimestampMixin, UTCDateTime


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("current_streak >= 0", name="current_streak_non_negative"),
        CheckConstraint("longest_streak >= 0", name="longest_streak_non_negative"),
        CheckConstraint("streak_freezes BETWEEN 0 AND 2", name="streak_freezes_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str | None] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    language_code: Mapped[str | None] = mapped_column(String(16))
    # The language the bot speaks to the learner ("en", "ru"): chosen at registration from
    # language_code, changed only by the learner. NULL only on rows registration did not write.
    language: Mapped[str | None] = mapped_column(String(8))
    # NULL means "the deployment's DEFAULT_TIMEZONE".
    timezone: Mapped[str | None] = mapped_column(String(64))
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    reminder_hour: Mapped[int | None] = mapped_column(Integer)
    current_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    longest_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_active_date: Mapped[date | None] = mapped_column(Date)
    streak_freezes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the streak job must next look at the learner: the local midnight that ends the day
    # after last_active_date. NULL while there is no streak to keep. Kept by every write of
    # the inputs (bot.services.due_times), so the job finds its learners by this index.
    streak_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The instant of the next daily reminder; NULL when none is owed (reminders off, no hour
    # picked, no streak to keep).
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The learner's local day of their last reminder: never two on one day.
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
    # False once the learner blocks the bot; broadcasts and reminders skip them.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
